package main

import (
	"context"
	"io"
)

// cmdExport: TEMPORARY wiring on branch accred so `export catalogue` can be
// tried; the owner of export.go wires cmdExportCatalogue at merge.
func cmdExport(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) > 0 && args[0] == "catalogue" {
		return cmdExportCatalogue(ctx, args[1:], out, errOut)
	}
	return notYet("export")(ctx, args, out, errOut)
}
