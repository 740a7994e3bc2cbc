package ui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/reports"
)

// settingsStore is what the Settings screen asks of the model.
type settingsStore interface {
	AllSettings(ctx context.Context) ([]model.Setting, error)
	SaveSettingsFrom(ctx context.Context, by model.User, was, values map[string]string) error
	Backup(ctx context.Context, by model.User, out string, progress func(done, total int)) (model.BackupInfo, error)
	AutoBackup(ctx context.Context, dir string, keep int) (model.BackupInfo, error)
	ExportPerson(ctx context.Context, by model.User, email, dir string) (model.PersonExport, error)
	ErasePerson(ctx context.Context, by model.User, email, reason string) (model.Erasure, error)
	Path() string
	Close() error
}

// settingFields are the settings a person edits here, in the order shown.
var settingFields = []struct{ key, label, hint string }{
	{"centre.name", "Centre name", "printed on certificates"},
	{"centre.address", "Centre address", ""},
	{"ocn.region", "OCN region", "the awarding body's name"},
	{"signatory1.name", "First signatory", ""},
	{"signatory1.title", "First signatory's title", ""},
	{"signatory2.name", "Second signatory", ""},
	{"signatory2.title", "Second signatory's title", ""},
	{"certificate.logo", "Certificate logo", "a PNG or JPEG file; empty for none"},
	{"backup.keep", "Automatic backups kept", "how many backups on close to keep"},
	{reports.OutputFolderSetting, "Output folder", "where certificates and reports are written; empty for Documents/Cascade"},
}

// settingsScreen edits the centre's settings, backs up and restores, and
// answers personal-data requests.
type settingsScreen struct {
	env   *env
	store settingsStore

	entries  map[string]*widget.Entry
	browse   map[string]*widget.Button // Browse… beside each path setting
	loaded   map[string]string         // what each entry showed when read; a save sends only the ones changed since
	form     *widget.Form
	status   *widget.Label
	progress *widget.ProgressBar
	buttons  []*widget.Button
	autoInfo *widget.Label
	email    *widget.Entry
	reason   *widget.Entry
	root     fyne.CanvasObject
}

func newSettingsScreen(e *env) *settingsScreen {
	s := &settingsScreen{env: e, store: e.store}
	s.buildUI()
	s.refresh()
	return s
}

func (s *settingsScreen) buildUI() {
	s.entries = map[string]*widget.Entry{}
	s.browse = map[string]*widget.Button{}
	s.form = &widget.Form{SubmitText: "Save settings", OnSubmit: s.onSave}
	for _, f := range settingFields {
		en := widget.NewEntry()
		en.OnSubmitted = func(string) { s.onSave() }
		switch f.key {
		case "backup.keep":
			en.Validator = func(v string) error {
				if n, err := strconv.Atoi(strings.TrimSpace(v)); err != nil || n < 1 || n > 1000 {
					return errors.New("a whole number from 1 to 1000")
				}
				return nil
			}
		case reports.OutputFolderSetting:
			en.Validator = func(v string) error {
				if v = strings.TrimSpace(v); v != "" && !filepath.IsAbs(v) {
					return errors.New("a whole path to a folder, or empty for Documents/Cascade")
				}
				return nil
			}
		case "certificate.logo":
			en.Validator = func(v string) error {
				if v = strings.TrimSpace(v); v == "" {
					return nil
				}
				if st, err := os.Stat(v); err != nil || st.IsDir() {
					return errors.New("no such file")
				}
				return nil
			}
		}
		s.entries[f.key] = en
		item := widget.NewFormItem(f.label, en)
		item.HintText = f.hint
		switch f.key {
		case "certificate.logo":
			browse := widget.NewButtonWithIcon("Browse…", theme.FolderOpenIcon(), s.onChooseLogo)
			readOnlyUnless(s.env, model.ActSettings, browse)
			item.Widget = container.NewBorder(nil, nil, nil, browse, en)
			s.browse[f.key] = browse
		case reports.OutputFolderSetting:
			pick := newPathPicker(s.env, en, func() bool { return true }, func() string { return "" })
			readOnlyUnless(s.env, model.ActSettings, pick.button)
			item.Widget = pick.box
			s.browse[f.key] = pick.button
		}
		s.form.AppendItem(item)
	}
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord
	s.progress = widget.NewProgressBar()
	s.progress.Hide()
	backup := widget.NewButtonWithIcon("Back up now…", theme.DownloadIcon(), s.onBackup)
	restore := widget.NewButtonWithIcon("Restore from a backup…", theme.HistoryIcon(), s.onRestore)
	s.email = widget.NewEntry()
	s.email.SetPlaceHolder("the person's email")
	s.reason = widget.NewEntry()
	s.reason.SetPlaceHolder("why their details are erased (kept in the audit log)")
	export := widget.NewButtonWithIcon("Export their data…", theme.DocumentSaveIcon(), s.onExportPerson)
	erase := widget.NewButtonWithIcon("Erase their personal details…", theme.DeleteIcon(), s.onErase)
	erase.Importance = widget.DangerImportance
	// Each button is offered only to a role the model lets take its action;
	// busy re-enables only these.
	for _, b := range []struct {
		button *widget.Button
		action string
	}{{backup, model.ActBackup}, {restore, model.ActRestore}, {export, model.ActExportPerson}, {erase, model.ActErase}} {
		offerIf(s.env, b.action, b.button)
		if s.env.may(b.action) {
			s.buttons = append(s.buttons, b.button)
		}
	}
	readOnlyUnless(s.env, model.ActErase, s.reason) // the reason is only for an erasure

	auto := fmt.Sprintf("Cascade also backs up when the window closes, into %s.", s.env.src.BackupDir())
	if s.env.src.BackupDir() == "" {
		auto = "Many desks share this programme on a server, whose administrator keeps its automatic backups."
	}
	backupText := widget.NewLabel("One zip archive holds the database, every evidence file and a manifest of their " +
		"SHA-256 hashes. " + auto)
	backupText.Wrapping = fyne.TextWrapWord
	s.autoInfo = widget.NewLabel("")
	backups := widget.NewCard("Backup and restore", "", container.NewVBox(backupText, s.autoInfo,
		container.NewHBox(backup, restore), s.progress))
	if !s.env.may(model.ActBackup) && !s.env.may(model.ActRestore) {
		backupText.SetText(backupText.Text + " Backing up is for a training lead or an administrator; restoring for an administrator.")
	}
	personText := widget.NewLabel("Subject access: everything held about one person, with their evidence files. " +
		"Erasure removes a withdrawn organiser's name, contact details, equality answers and files; " +
		"counts and issued certificates stay for verification.")
	personText.Wrapping = fyne.TextWrapWord
	person := widget.NewCard("Personal data", "", container.NewVBox(personText,
		widget.NewForm(widget.NewFormItem("Email", s.email), widget.NewFormItem("Reason", s.reason)),
		container.NewHBox(export, erase)))
	centre := widget.NewCard("Centre and certificates", "", s.form)
	if !s.env.may(model.ActExportPerson) && !s.env.may(model.ActErase) {
		note := widget.NewLabel("Exports and erasures of personal data are for a training lead or an administrator: you are signed in as " +
			model.RoleName(s.env.user.Role) + ".")
		note.Wrapping = fyne.TextWrapWord
		person = widget.NewCard("Personal data", "", note)
	}
	if !s.env.may(model.ActSettings) {
		note := widget.NewLabel("Administrators only change these: you are signed in as " + model.RoleName(s.env.user.Role) + ".")
		note.Wrapping = fyne.TextWrapWord
		centre = widget.NewCard("Centre and certificates", "", container.NewVBox(note, s.form))
		s.form.SubmitText = ""
		s.form.OnSubmit = nil
		for _, en := range s.entries {
			en.OnSubmitted = nil
			en.Disable()
		}
	}
	// One column: two side by side made the window 1,170 px wide at least.
	cols := container.NewVBox(centre, backups, person)
	s.root = container.NewBorder(
		container.NewVBox(widget.NewLabelWithStyle("Settings", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.status),
		nil, nil, nil, container.NewVScroll(cols))
}

func (s *settingsScreen) content() fyne.CanvasObject { return s.root }

func (s *settingsScreen) refresh() {
	load(s.env, s.store.AllSettings, func(all []model.Setting) {
		s.loaded = map[string]string{}
		for k, en := range s.entries {
			en.SetText("") // a setting never made shows empty
			s.loaded[k] = ""
		}
		for _, st := range all {
			if en, ok := s.entries[st.Key]; ok {
				en.SetText(st.Value)
				s.loaded[st.Key] = st.Value
			}
		}
	}, func(err error) { sayProblem(s.status, "Could not read the settings: "+err.Error()) })
	src := s.env.src
	load(s.env, func(context.Context) ([]string, error) { return src.Backups() }, func(kept []string) {
		if len(kept) == 0 {
			s.autoInfo.SetText("No automatic backups yet.")
			return
		}
		newest := kept[len(kept)-1]
		when := ""
		if st, err := os.Stat(newest); err == nil {
			when = ", the newest from " + st.ModTime().Format("2 Jan 2006 15:04")
		}
		s.autoInfo.SetText(fmt.Sprintf("%s kept%s.", plural(len(kept), "automatic backup"), when))
	}, func(err error) { s.autoInfo.SetText("Cannot list the automatic backups: " + err.Error()) })
}

func (s *settingsScreen) onSave() {
	if err := s.form.Validate(); err != nil {
		sayProblem(s.status, "Not saved: "+err.Error())
		return
	}
	if s.loaded == nil {
		sayProblem(s.status, "Not saved: the settings have not been read yet.")
		return
	}
	// Only what the user changed is sent, so a value stored with spaces
	// around it (or a setting never made) is left as it is.
	values := map[string]string{}
	for k, en := range s.entries {
		if en.Text != s.loaded[k] {
			values[k] = strings.TrimSpace(en.Text)
		}
	}
	if len(values) == 0 {
		say(s.status, "Nothing changed.")
		return
	}
	// What the form read for each, so a value someone saved since is not overwritten.
	was := map[string]string{}
	for k := range values {
		was[k] = s.loaded[k]
	}
	load(s.env, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, s.store.SaveSettingsFrom(ctx, s.env.user, was, values)
	}, func(struct{}) {
		for k, v := range values {
			s.loaded[k] = v
			s.entries[k].SetText(v)
		}
		sayDone(s.status, "Settings saved.")
	},
		func(err error) {
			if said, ok := changedText(err); ok {
				sayProblem(s.status, said)
				askReload(s.env.win, said, s.refresh, nil)
				return
			}
			sayProblem(s.status, "Not saved: "+err.Error())
		})
}

func (s *settingsScreen) onChooseLogo() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		s.entries["certificate.logo"].SetText(r.URI().Path())
	}, s.env.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// busy disables the buttons and shows the progress bar while work runs.
func (s *settingsScreen) busy(on bool, what string) {
	for _, b := range s.buttons {
		if on {
			b.Disable()
		} else {
			b.Enable()
		}
	}
	if on {
		s.progress.SetValue(0)
		s.progress.Show()
		say(s.status, what)
	} else {
		s.progress.Hide()
	}
}

func (s *settingsScreen) progressFn(done, total int) {
	s.env.post(func() {
		s.progress.Max = float64(total)
		s.progress.SetValue(float64(done))
	})
}

func (s *settingsScreen) onBackup() {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		w.Close()
		s.backupTo(w.URI().Path())
	}, s.env.win)
	d.SetFileName("cascade-" + time.Now().Format("2006-01-02") + ".zip")
	d.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// backupTo writes a backup archive; the save dialog and tests come here.
func (s *settingsScreen) backupTo(path string) {
	s.busy(true, "Backing up to "+path+"…")
	load(s.env, func(ctx context.Context) (model.BackupInfo, error) {
		return s.store.Backup(ctx, s.env.user, path, s.progressFn)
	}, func(info model.BackupInfo) {
		s.busy(false, "")
		sayDone(s.status, fmt.Sprintf("Backed up the programme and %s evidence files to %s.", num(info.Files), path))
	}, func(err error) {
		s.busy(false, "")
		sayProblem(s.status, "The backup failed: "+err.Error())
	})
}

func (s *settingsScreen) onRestore() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		r.Close()
		archive := r.URI().Path()
		c := newConfirm("Replace the programme?",
			"Restoring replaces everything in\n"+s.store.Path()+"\nwith the backup in\n"+archive+
				"\n\nThe programme as it is now is backed up first, so this can be undone.",
			func(ok bool) {
				if ok {
					s.restoreFrom(archive)
				}
			}, s.env.win)
		c.SetConfirmText("Restore")
		c.SetDismissText("Cancel")
		c.Show()
	}, s.env.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".zip"}))
	d.Resize(fyne.NewSize(900, 600))
	d.Show()
}

// restoreFrom hands the archive to the programme's source, which proves it
// whole, keeps a copy of the programme as it is, and restores over it; the
// window then opens the source afresh. A damaged archive changes nothing.
func (s *settingsScreen) restoreFrom(archive string) {
	s.busy(true, "Checking "+archive+"…")
	src, store, by := s.env.src, s.env.store, s.env.user
	go func() {
		_, err := src.Restore(s.env.ctx, by, store, archive, s.progressFn)
		s.env.post(func() {
			if err != nil && !errors.Is(err, model.ErrReopen) {
				s.busy(false, "")
				sayProblem(s.status, "Nothing was restored: "+err.Error())
				return
			}
			if err != nil {
				showError(fmt.Errorf("the restore failed and the programme was left as it was: %w", err), s.env.win)
			} else {
				showInformation("Restored", "The programme is now as it was in\n"+archive+
					"\nEvery file's SHA-256 was checked and the database passes check.\n"+
					"The programme as it was before is in "+src.BackupDir()+".", s.env.win)
			}
			// The old store is closed: open the source afresh.
			start(&env{ctx: s.env.ctx, app: s.env.app, win: s.env.win, post: s.env.post, src: src})
		})
	}()
}

func (s *settingsScreen) onExportPerson() {
	email := strings.TrimSpace(s.email.Text)
	if email == "" {
		sayProblem(s.status, "Give the person's email first.")
		return
	}
	dialog.ShowFolderOpen(func(u fyne.ListableURI, err error) {
		if err != nil || u == nil {
			return
		}
		s.exportPersonTo(email, filepath.Join(u.Path(), "subject-access-"+time.Now().Format("2006-01-02")))
	}, s.env.win)
}

// exportPersonTo writes a subject access export; the dialog and tests come here.
func (s *settingsScreen) exportPersonTo(email, dir string) {
	load(s.env, func(ctx context.Context) (model.PersonExport, error) {
		return s.store.ExportPerson(ctx, s.env.user, email, dir)
	}, func(res model.PersonExport) {
		sayDone(s.status, fmt.Sprintf("Wrote everything held about %s to %s (%s).", email, dir, plural(res.Files, "evidence file")))
	}, func(err error) { sayProblem(s.status, "Not exported: "+err.Error()) })
}

func (s *settingsScreen) onErase() {
	email, reason := strings.TrimSpace(s.email.Text), strings.TrimSpace(s.reason.Text)
	if email == "" || reason == "" {
		sayProblem(s.status, "Give the person's email and the reason for the erasure.")
		return
	}
	c := newGraveConfirm("Erase personal details?",
		"This removes "+email+"'s name, contact details, equality answers and evidence files for good.\n"+
			"It cannot be undone. Only a withdrawn organiser can be erased.", func(ok bool) {
			if ok {
				s.erase(email, reason)
			}
		}, s.env.win)
	c.SetConfirmText("Erase")
	c.SetDismissText("Cancel")
	c.Show()
}

func (s *settingsScreen) erase(email, reason string) {
	load(s.env, func(ctx context.Context) (model.Erasure, error) {
		return s.store.ErasePerson(ctx, s.env.user, email, reason)
	}, func(res model.Erasure) {
		s.email.SetText("")
		s.reason.SetText("")
		msg := fmt.Sprintf("Erased: the person is now shown as %q; %s removed; %s kept.",
			res.Label, plural(res.FilesRemoved, "evidence file"), plural(res.Kept, "issued certificate"))
		if len(res.Backups) > 0 {
			// Rewriting backups takes minutes and is the administrator's call.
			msg += fmt.Sprintf(" %s made before may still hold them: remove them with cascade erase person %s --purge-backups.",
				plural(len(res.Backups), "automatic backup"), model.ErasedEmail(res.PersonID))
		}
		if !res.Compacted {
			msg += " Another window has the programme open: close every window to clear old copies from the file."
		}
		sayDone(s.status, msg)
	}, func(err error) { sayProblem(s.status, "Not erased: "+err.Error()) })
}
