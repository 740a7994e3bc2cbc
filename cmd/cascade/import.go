package main

import (
	"context"
	"io"
)

// cmdImport: TEMPORARY wiring on branch accred so `import catalogue` can be
// tried; the owner of import.go wires cmdImportCatalogue at merge.
func cmdImport(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) > 0 && args[0] == "catalogue" {
		return cmdImportCatalogue(ctx, args[1:], out, errOut)
	}
	return notYet("import")(ctx, args, out, errOut)
}
