package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"cascade/assets"
	"cascade/model"
	"cascade/model/sqlstore"
	"cascade/ui"
)

// appID matches FyneApp.toml so preferences and storage land in one place.
const appID = "org.trafford-hall.cascade"

func cmdWindow(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("cascade", "[--db FILE]", errOut)
	fs.Usage = func() { usage(errOut) }
	db := dbFlag(fs, "open this database instead of your own")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	a := app.NewWithID(appID)
	a.SetIcon(assets.Icon)
	a.Settings().SetTheme(ui.Theme())
	path := *db
	if path == "" {
		path = filepath.Join(a.Storage().RootURI().Path(), "cascade.db")
	}
	var src model.Source
	var store *sqlstore.Store // the last store the window opened, to back up and close
	opened := func(s *sqlstore.Store) { store = s }
	title := filepath.Base(path)
	if sqlstore.IsServerURL(path) {
		src = sqlstore.ServerSource{URL: path, Opened: opened}
		title = src.String()
	} else {
		src = sqlstore.FileSource{Path: path, Opened: opened}
	}
	w := a.NewWindow("Cascade — " + title)
	prefs := a.Preferences()
	w.Resize(fyne.NewSize(float32(prefs.FloatWithFallback("window.width", 1280)),
		float32(prefs.FloatWithFallback("window.height", 800))))
	w.SetCloseIntercept(func() {
		size := w.Canvas().Size()
		prefs.SetFloat("window.width", float64(size.Width))
		prefs.SetFloat("window.height", float64(size.Height))
		w.Close()
	})
	ui.Start(ctx, a, w, src)
	w.ShowAndRun()
	if store != nil && !store.OnServer() {
		// Back up on every close, keeping the last backup.keep (10 by default);
		// a server's administrator backs up a programme desks share.
		if _, err := store.AutoBackup(ctx, sqlstore.AutoBackupDir(store.Path()), backupKeep(ctx, store)); err != nil {
			fmt.Fprintf(errOut, "cascade: automatic backup on close failed: %v\n", err)
		}
	}
	if store != nil {
		if err := store.Close(); err != nil {
			return fmt.Errorf("close %s: %w", title, err)
		}
	}
	return nil
}

// backupKeep is the backup.keep setting, 10 when it is missing or not a number.
func backupKeep(ctx context.Context, s *sqlstore.Store) int {
	all, err := s.AllSettings(ctx)
	if err != nil {
		return 10
	}
	for _, st := range all {
		if n, err := strconv.Atoi(st.Value); st.Key == "backup.keep" && err == nil && n > 0 {
			return n
		}
	}
	return 10
}
