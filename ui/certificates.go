package ui

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"cascade/model"
	"cascade/reports"
)

// certificatesStore is what the Certificates screen asks of the model.
type certificatesStore interface {
	Candidates(ctx context.Context, sel model.CertSelection) ([]model.Candidate, error)
	reports.CertificateRunStore
	reports.PrintAgainStore
	reports.SettingsReader
	Certificates(ctx context.Context, search string, limit int) ([]model.Certificate, error)
	Revoke(ctx context.Context, by model.User, number, reason string) error
	CohortChoices(ctx context.Context) ([]model.Choice, error)
	HostChoices(ctx context.Context) ([]model.Choice, error)
	Trainers(ctx context.Context) (model.TrainerList, error)
}

// certKind is one choice of what to issue. Trainer certificates are a
// choice of their own: a run for organisers never issues one unasked.
type certKind struct {
	label string
	kinds []string
}

var certKinds = []certKind{
	{"Completion and units (organisers)", []string{model.KindCompletion, model.KindUnits}},
	{"Completion only", []string{model.KindCompletion}},
	{"Units only", []string{model.KindUnits}},
	{"Trainer accreditation (trainers)", []string{model.KindTrainer}},
}

func certKindLabels() []string {
	out := make([]string, len(certKinds))
	for i, k := range certKinds {
		out[i] = k.label
	}
	return out
}

// certLists are the cohorts, hosts and trainers' organisations the
// selection is chosen from.
type certLists struct {
	cohorts []int    // cohort numbers
	hosts   []string // host organisations' names
	orgs    []string // trainers' organisations
}

const (
	outFolder   = "One PDF per person (folder)"
	outCombined = "One combined PDF to print"
)

// certificatesScreen selects people as `cascade certificates` does, issues
// their certificates with a progress bar, and lists what has been issued
// with search, reprint and revoke.
type certificatesScreen struct {
	env   *env
	store certificatesStore

	cands    []model.Candidate // the selection last counted
	counted  string            // the key of the selection cands were counted for
	lists    *certLists        // nil until read
	issued   []model.Certificate
	selected int // row of issued, -1 for none
	cancel   context.CancelFunc
	lastOut  string
	outBase  string // the certificates folder in the output folder setting; '' until read

	kind     *widget.Select
	cohort   *widget.SelectEntry // narrows to the cohorts matching what is typed
	host     *widget.SelectEntry // narrows to the hosts (or trainers' organisations) matching
	hostItem *widget.FormItem
	// cohortOpts and hostOpts are what the drop-downs offer now.
	cohortOpts, hostOpts []string
	person               *widget.Entry
	eligible             *widget.Label
	outMode              *widget.RadioGroup
	outPath              *widget.Entry
	outPick              *pathPicker
	actions              *fyne.Container // the run's buttons; a screen's extra actions are added here
	issueBtn             *widget.Button
	cancelBtn            *widget.Button
	openBtn              *widget.Button
	progress             *widget.ProgressBar
	status               *widget.Label
	search               *widget.Entry
	table                *widget.Table
	reprint              *widget.Button
	revoke               *widget.Button
	root                 fyne.CanvasObject
	live                 liveReload
}

func newCertificatesScreen(e *env) *certificatesScreen {
	s := &certificatesScreen{env: e, store: e.store, selected: -1}
	go reports.CutFonts() // so the first certificate is as quick as the rest
	s.buildUI()
	s.onSelectionChanged()
	s.loadLists()
	s.loadIssued()
	s.loadOutputFolder()
	return s
}

// loadLists reads the cohorts, hosts and trainers' organisations the
// selection is chosen from, then counts again.
func (s *certificatesScreen) loadLists() {
	load(s.env, func(ctx context.Context) (*certLists, error) {
		l := &certLists{}
		cohorts, err := s.store.CohortChoices(ctx)
		if err != nil {
			return nil, err
		}
		for _, c := range cohorts {
			if n, err := strconv.Atoi(strings.TrimPrefix(c.Label, "Cohort ")); err == nil {
				l.cohorts = append(l.cohorts, n)
			}
		}
		hosts, err := s.store.HostChoices(ctx)
		if err != nil {
			return nil, err
		}
		l.hosts = labels(hosts)
		trainers, err := s.store.Trainers(ctx)
		if err != nil {
			return nil, err
		}
		seen := map[string]bool{}
		for _, t := range trainers.Trainers {
			if o := strings.TrimSpace(t.Organisation); o != "" && !seen[model.Fold(o)] {
				seen[model.Fold(o)] = true
				l.orgs = append(l.orgs, o)
			}
		}
		slices.SortFunc(l.orgs, func(a, b string) int { return strings.Compare(model.Fold(a), model.Fold(b)) })
		return l, nil
	}, func(l *certLists) {
		s.lists = l
		s.onSelectionChanged()
	}, func(err error) {
		s.eligible.SetText("Could not read the cohorts and hosts: " + err.Error())
	})
}

// loadOutputFolder reads where certificates go by default (the
// output.folder setting) and suggests it, unless a place was typed.
func (s *certificatesScreen) loadOutputFolder() {
	load(s.env, func(ctx context.Context) (string, error) {
		return reports.OutputFolder(ctx, s.store)
	}, func(dir string) {
		s.outBase = filepath.Join(dir, "certificates")
		s.onOutModeChanged(s.outMode.Selected)
	}, func(err error) {
		sayProblem(s.status, "Could not read the output folder setting: "+err.Error())
	})
}

func (s *certificatesScreen) buildUI() {
	s.kind = widget.NewSelect(certKindLabels(), func(string) { s.onSelectionChanged() })
	s.kind.Selected = certKinds[0].label // no callback: the other widgets do not exist yet
	s.cohort = widget.NewSelectEntry(nil)
	s.cohort.PlaceHolder = "any cohort: type or choose"
	s.cohort.OnChanged = func(string) { s.onSelectionChanged() }
	s.host = widget.NewSelectEntry(nil)
	s.host.PlaceHolder = "any host organisation: type or choose"
	s.host.OnChanged = func(string) { s.onSelectionChanged() }
	s.person = &widget.Entry{PlaceHolder: "any person (email)", OnChanged: func(string) { s.onSelectionChanged() }}
	s.person.ExtendBaseWidget(s.person)
	s.eligible = widget.NewLabel("Counting…")
	s.eligible.Wrapping = fyne.TextWrapWord

	s.outPath = widget.NewEntry()
	s.outPick = newPathPicker(s.env, s.outPath, func() bool { return s.outMode.Selected != outCombined },
		func() string { return ".pdf" })
	s.outMode = widget.NewRadioGroup([]string{outFolder, outCombined}, s.onOutModeChanged)
	s.outMode.Horizontal = true
	s.outMode.SetSelected(outFolder)
	s.issueBtn = widget.NewButton("Issue certificates", s.onIssue)
	s.issueBtn.Importance = widget.HighImportance
	s.cancelBtn = widget.NewButton("Cancel", s.onCancel)
	s.cancelBtn.Disable()
	s.openBtn = widget.NewButton("Open result", s.onOpen)
	s.openBtn.Disable()
	s.progress = widget.NewProgressBar()
	s.status = widget.NewLabel("")
	s.status.Wrapping = fyne.TextWrapWord

	s.hostItem = widget.NewFormItem("Host", s.host)
	form := widget.NewForm(
		widget.NewFormItem("Kind", s.kind),
		widget.NewFormItem("Cohort", s.cohort),
		s.hostItem,
		widget.NewFormItem("Person", s.person),
	)
	s.actions = container.NewHBox(s.issueBtn, s.cancelBtn, s.openBtn, newBadgeExport(s).button)
	// The explanation wraps in a label: as the card's subtitle it would not,
	// and would make the window 1,275 px wide.
	intro := widget.NewLabel("Everyone eligible in the selection; anyone who already holds one gets a reprint (same number, marked COPY). You see how many of each kind before anything is issued.")
	intro.Wrapping = fyne.TextWrapWord
	issueCard := widget.NewCard("Issue certificates", "", container.NewVBox(intro, form, s.eligible, s.progress))
	// The buttons sit below the scrolling form, so Issue is in view on a
	// 700 px high laptop screen too.
	actions := container.NewPadded(container.NewBorder(nil, nil, s.actions, nil, s.status))
	if s.env.may(model.ActCertificates) {
		form.Append("Write", s.outMode)
		form.Append("To", s.outPick.box)
	} else {
		// Who is eligible is for every role to read; issuing is not.
		issueCard.SetTitle("Eligible for certificates")
		intro.SetText("Who in the selection is eligible; issuing is for a training lead or an administrator.")
	}
	offerIf(s.env, model.ActCertificates, s.issueBtn, s.cancelBtn, s.openBtn, s.progress)

	s.search = &widget.Entry{PlaceHolder: "Search number, name or email", OnChanged: func(string) { s.loadIssued() }}
	s.search.ExtendBaseWidget(s.search)
	s.table = &widget.Table{
		Length:        func() (int, int) { return len(s.issued), len(issuedColumns) },
		CreateCell:    func() fyne.CanvasObject { return widget.NewLabel("CO-2013-000123 wide") },
		UpdateCell:    s.updateIssuedCell,
		ShowHeaderRow: true,
		CreateHeader:  func() fyne.CanvasObject { return widget.NewLabel("Number") },
		UpdateHeader: func(id widget.TableCellID, o fyne.CanvasObject) {
			if id.Col >= 0 {
				o.(*widget.Label).SetText(issuedColumns[id.Col])
			}
		},
		OnSelected: func(id widget.TableCellID) { s.onIssuedSelected(id.Row) },
	}
	s.table.ExtendBaseWidget(s.table)
	for i, w := range []float32{160, 240, 110, 110, 260} {
		s.table.SetColumnWidth(i, w)
	}
	s.reprint = widget.NewButton("Reprint…", s.onReprint)
	s.revoke = widget.NewButton("Revoke…", s.onRevoke)
	s.reprint.Disable()
	s.revoke.Disable()
	offerIf(s.env, model.ActCertificates, s.reprint, s.revoke)
	list := container.NewBorder(
		container.NewBorder(nil, nil, widget.NewLabelWithStyle("Issued certificates", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			container.NewHBox(s.reprint, s.revoke), s.search),
		nil, nil, nil, s.table)
	split := container.NewVSplit(container.NewBorder(nil, actions, nil, nil, container.NewVScroll(issueCard)), list)
	split.Offset = 0.55
	s.root = split
	s.onOutModeChanged(outFolder)
}

var issuedColumns = []string{"Number", "Name", "Kind", "Issued", "Status"}

func (s *certificatesScreen) content() fyne.CanvasObject { return s.root }

func (s *certificatesScreen) focusSearch() { s.env.win.Canvas().Focus(s.search) }

func (s *certificatesScreen) refresh() {
	s.loadLists() // counts again once read: a cohort or host may have been added
	s.loadIssued()
}

func (s *certificatesScreen) updateIssuedCell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	if id.Row >= len(s.issued) {
		l.SetText("")
		return
	}
	c := s.issued[id.Row]
	switch id.Col {
	case 0:
		l.SetText(c.Number)
	case 1:
		l.SetText(c.HolderName)
	case 2:
		l.SetText(c.Kind)
	case 3:
		l.SetText(day(c.IssuedOn))
	case 4:
		switch {
		case c.Revoked():
			l.SetText("revoked " + day(c.RevokedAt) + ": " + c.RevokedReason)
		case !c.Delivered():
			l.SetText("not delivered: the next run prints it")
		default:
			l.SetText("valid")
		}
	}
}

// certQuery is the form read as the command's flags: one selection, asked
// for each kind chosen.
type certQuery struct {
	sel   model.CertSelection // Kind empty: kinds says which
	kinds []string
}

// key tells one query from another, so a late count of an older form is dropped.
func (q certQuery) key() string {
	return fmt.Sprintf("%d|%s|%s|%s", q.sel.Cohort, q.sel.Host, q.sel.Person, strings.Join(q.kinds, ","))
}

// trainers reports whether the query is for trainer certificates.
func (q certQuery) trainers() bool { return slices.Contains(q.kinds, model.KindTrainer) }

// selection reads the form. A cohort or host the programme does not hold
// is refused with a line saying so, rather than counted as nobody.
func (s *certificatesScreen) selection() (certQuery, string) {
	q := certQuery{kinds: certKinds[0].kinds}
	for _, k := range certKinds {
		if k.label == s.kind.Selected {
			q.kinds = k.kinds
		}
	}
	q.sel.Person = strings.TrimSpace(s.person.Text)
	if v := strings.TrimSpace(s.cohort.Text); v != "" {
		n, err := strconv.Atoi(strings.TrimSpace(strings.TrimPrefix(strings.ToLower(v), "cohort")))
		if err != nil || n <= 0 {
			return q, fmt.Sprintf("Cohort %q: give a cohort number, such as 3, or choose one from the list.", v)
		}
		q.sel.Cohort = n
	}
	q.sel.Host = strings.TrimSpace(s.host.Text)
	if s.lists == nil {
		if q.sel.Cohort != 0 || q.sel.Host != "" {
			return q, "Reading the programme's cohorts and hosts…"
		}
		return q, ""
	}
	if q.sel.Cohort != 0 && !slices.Contains(s.lists.cohorts, q.sel.Cohort) {
		return q, fmt.Sprintf("There is no cohort %d in this programme (%s). Choose one from the list.",
			q.sel.Cohort, cohortRange(s.lists.cohorts))
	}
	if q.sel.Host != "" {
		names, what := s.lists.hosts, "host organisation"
		if q.trainers() {
			names, what = s.lists.orgs, "trainer's organisation"
		}
		if !slices.ContainsFunc(names, func(n string) bool { return strings.EqualFold(n, q.sel.Host) }) {
			line := fmt.Sprintf("No %s is called %q.", what, q.sel.Host)
			if near := narrowed(names, q.sel.Host); len(near) > 0 && len(near) <= 3 {
				line += " Did you mean " + strings.Join(near, " or ") + "?"
			} else {
				line += " Choose one from the list."
			}
			return q, line
		}
	}
	return q, ""
}

// cohortRange says which cohorts there are, e.g. "cohorts 1–14".
func cohortRange(ns []int) string {
	switch len(ns) {
	case 0:
		return "it has no cohorts yet"
	case 1:
		return fmt.Sprintf("it has cohort %d only", ns[0])
	}
	return fmt.Sprintf("cohorts %d–%d", slices.Min(ns), slices.Max(ns))
}

// narrowed is names holding every word typed, ignoring case and accents.
func narrowed(names []string, typed string) []string {
	words := strings.Fields(model.Fold(typed))
	var out []string
	for _, n := range names {
		f := model.Fold(n)
		if !slices.ContainsFunc(words, func(w string) bool { return !strings.Contains(f, w) }) {
			out = append(out, n)
		}
	}
	return out
}

// narrowLists shows in each drop-down only what matches what is typed.
func (s *certificatesScreen) narrowLists(q certQuery) {
	if s.lists == nil {
		return
	}
	var cohorts []string
	typed := strings.TrimSpace(s.cohort.Text)
	for _, n := range s.lists.cohorts {
		if v := strconv.Itoa(n); typed == "" || strings.Contains(v, strings.TrimSpace(strings.TrimPrefix(strings.ToLower(typed), "cohort"))) {
			cohorts = append(cohorts, v)
		}
	}
	s.cohortOpts = cohorts
	s.cohort.SetOptions(cohorts)
	names := s.lists.hosts
	s.hostItem.Text = "Host"
	s.host.PlaceHolder = "any host organisation: type or choose"
	if q.trainers() {
		names = s.lists.orgs
		s.hostItem.Text = "Organisation"
		s.host.PlaceHolder = "any trainer's organisation: type or choose"
	}
	if t := strings.TrimSpace(s.host.Text); t != "" {
		names = narrowed(names, t)
	}
	s.hostOpts = names
	s.host.SetOptions(names)
}

// certCount is how many of one kind a selection would issue.
type certCount struct{ eligible, reprints int }

// countKinds counts the eligible candidates of each kind, and those not eligible.
func countKinds(cs []model.Candidate) (map[string]certCount, int) {
	by := map[string]certCount{}
	not := 0
	for _, c := range cs {
		if !c.Eligible {
			not++
			continue
		}
		n := by[c.Kind]
		n.eligible++
		if c.Reprint() {
			n.reprints++
		}
		by[c.Kind] = n
	}
	return by, not
}

// kindCounts says per kind how many certificates a run gives, e.g.
// "12 completion certificates (2 reprints), 0 units certificates,
// 0 trainer certificates".
func kindCounts(by map[string]certCount) string {
	var parts []string
	for _, k := range model.CertificateKinds {
		n := by[k]
		part := plural(n.eligible, k+" certificate")
		if n.reprints > 0 {
			part += fmt.Sprintf(" (%s of them, marked COPY)", plural(n.reprints, "reprint"))
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, ", ")
}

// onSelectionChanged narrows the lists and recounts who is eligible.
func (s *certificatesScreen) onSelectionChanged() {
	q, problem := s.selection()
	s.narrowLists(q)
	if problem != "" {
		s.eligible.SetText(problem)
		s.cands, s.counted = nil, ""
		s.issueBtn.Disable()
		return
	}
	s.eligible.SetText("Counting…")
	s.issueBtn.Disable()
	s.count(q)
}

// count counts who is eligible for q and offers Issue when anyone is.
func (s *certificatesScreen) count(q certQuery) {
	key := q.key()
	load(s.env, func(ctx context.Context) ([]model.Candidate, error) {
		sel := q.sel
		if len(q.kinds) == 1 {
			sel.Kind = q.kinds[0]
			return s.store.Candidates(ctx, sel)
		}
		// Several kinds: one call for every kind, as the command asks, and
		// the kinds not chosen dropped. Asked kind by kind, each call read
		// all 50,000 organisers again for the same selection. Candidates
		// gives kinds in CertificateKinds' order, as certKinds lists them.
		all, err := s.store.Candidates(ctx, sel)
		if err != nil {
			return nil, err
		}
		return slices.DeleteFunc(all, func(c model.Candidate) bool { return !slices.Contains(q.kinds, c.Kind) }), nil
	}, func(cs []model.Candidate) {
		if cur, problem := s.selection(); problem != "" || cur.key() != key {
			return // the form changed while counting; a newer count follows
		}
		s.cands, s.counted = cs, key
		by, not := countKinds(cs)
		eligible := 0
		for _, n := range by {
			eligible += n.eligible
		}
		s.eligible.SetText(fmt.Sprintf("%s eligible in the selection: %s. %s not eligible (listed after issuing).",
			num(eligible), kindCounts(by), num(not)))
		setEnabled(s.issueBtn, eligible > 0 && s.cancel == nil && s.env.may(model.ActCertificates))
	}, func(err error) {
		s.eligible.SetText("Could not count: " + err.Error())
		s.issueBtn.Disable()
	})
}

func (s *certificatesScreen) onOutModeChanged(mode string) {
	base := s.outBase
	if base == "" {
		return // not read yet; loadOutputFolder suggests it
	}
	cur := s.outPath.Text
	if cur != "" && !strings.HasSuffix(cur, string(filepath.Separator)+"certificates") && !strings.HasSuffix(cur, string(filepath.Separator)+"certificates.pdf") {
		return // the person typed a place of their own
	}
	if mode == outCombined {
		s.outPath.SetText(base + ".pdf")
	} else {
		s.outPath.SetText(base)
	}
}

// onIssue says how many certificates of each kind the counted selection
// gives and issues them only once that is confirmed.
func (s *certificatesScreen) onIssue() {
	cands := s.cands
	out := strings.TrimSpace(s.outPath.Text)
	if out == "" {
		sayProblem(s.status, "Say where to write the certificates.")
		return
	}
	if combined := s.outMode.Selected == outCombined; combined != reports.IsCombined(out) {
		if combined {
			sayProblem(s.status, "A combined PDF is written to a file ending .pdf.")
		} else {
			sayProblem(s.status, "One PDF per person is written to a folder, not a file ending .pdf.")
		}
		return
	}
	q, problem := s.selection()
	if problem != "" || q.key() != s.counted {
		s.status.SetText("The selection changed; wait for the new count, then issue.")
		return
	}
	by, _ := countKinds(cands)
	msg := fmt.Sprintf("%s — issue?\n\nTo %s, written to\n%s\n\nA new certificate is signed and permanent: a mistake can only be revoked.",
		kindCounts(by), describeQuery(q), out)
	d := newGraveConfirm("Issue certificates?", msg, func(ok bool) {
		if ok {
			s.issue(cands, out)
		} else {
			s.status.SetText("Nothing issued.")
		}
	}, s.env.win)
	d.SetConfirmText("Issue")
	d.SetDismissText("Don't issue")
	d.Show()
}

// describeQuery names the selection in words for the confirmation.
func describeQuery(q certQuery) string {
	who := "everyone eligible"
	if q.sel.Person != "" {
		who = q.sel.Person
	}
	if q.sel.Cohort != 0 {
		who += fmt.Sprintf(" in cohort %d", q.sel.Cohort)
	}
	if q.sel.Host != "" {
		who += " at " + q.sel.Host
	}
	return who
}

// issue issues to cands and writes the files, with a progress bar; Cancel
// stops the writing.
func (s *certificatesScreen) issue(cands []model.Candidate, out string) {
	ctx, cancel := context.WithCancel(s.env.ctx)
	s.cancel = cancel
	s.issueBtn.Disable()
	s.cancelBtn.Enable()
	s.openBtn.Disable()
	s.progress.SetValue(0)
	say(s.status, "Issuing…")
	post := s.env.post
	go func() {
		summary, path, err := s.issueAndWrite(ctx, cands, out, func(done, total int) {
			post(func() { s.progress.SetValue(float64(done) / float64(total)) })
		})
		post(func() {
			cancel()
			s.cancel = nil
			s.cancelBtn.Disable()
			switch {
			case errors.Is(err, context.Canceled):
				sayProblem(s.status, "Cancelled. No PDF was written; certificates already issued are kept and the next run prints them as originals.")
			case err != nil:
				sayProblem(s.status, "Could not issue: "+err.Error())
			default:
				s.progress.SetValue(1)
				sayDone(s.status, summary)
				s.lastOut = path
				s.openBtn.Enable()
			}
			s.onSelectionChanged()
			s.loadIssued()
		})
	}()
}

// issueAndWrite runs off the UI goroutine: the one certificate run the
// command also makes (reports.IssueAndPrint).
func (s *certificatesScreen) issueAndWrite(ctx context.Context, cands []model.Candidate, out string, progress func(done, total int)) (string, string, error) {
	res, err := reports.IssueAndPrint(ctx, s.store, s.env.user, cands, reports.PrintRunOptions{Out: out, Progress: progress})
	if err != nil {
		return "", "", err
	}
	summary := fmt.Sprintf("Issued %s, reprinted %s, skipped %s.", num(res.Issued), num(res.Reprinted), num(res.Skipped))
	if res.Again > 0 {
		summary += fmt.Sprintf(" Printed %s issued earlier but never delivered, as originals.", num(res.Again))
	}
	if len(res.Paths) == 0 {
		return summary, "", nil
	}
	return summary + " Written to " + out + ".", out, nil
}

func (s *certificatesScreen) onCancel() {
	if s.cancel != nil {
		s.cancel()
		say(s.status, "Cancelling…")
	}
}

func (s *certificatesScreen) onOpen() {
	if s.lastOut == "" {
		return
	}
	u := &url.URL{Scheme: "file", Path: s.lastOut}
	if err := s.env.app.OpenURL(u); err != nil {
		sayProblem(s.status, "Could not open "+s.lastOut+": "+err.Error())
	}
}

func (s *certificatesScreen) loadIssued() {
	s.readIssued(func(list []model.Certificate) {
		s.issued = list
		s.selected = -1
		s.table.UnselectAll()
		s.reprint.Disable()
		s.revoke.Disable()
		s.table.Refresh()
	}, func() {})
}

// readIssued reads the certificates the search finds and hands them to
// show unless the search changed meanwhile; then done runs, in every case.
func (s *certificatesScreen) readIssued(show func([]model.Certificate), done func()) {
	search := strings.TrimSpace(s.search.Text)
	load(s.env, func(ctx context.Context) ([]model.Certificate, error) {
		return s.store.Certificates(ctx, search, 1000)
	}, func(list []model.Certificate) {
		defer done()
		if strings.TrimSpace(s.search.Text) != search {
			return
		}
		show(list)
	}, func(err error) {
		done()
		sayProblem(s.status, "Could not list certificates: "+err.Error())
	})
}

// certEntities are the changes that bear on who is eligible or on the
// certificates issued.
var certEntities = []string{model.EntityCertificate, model.EntityAchievement, model.EntityDecision, model.EntityModuleDone,
	model.EntityOrganiser, model.EntityPeople, model.EntityProgramme, model.EntityQualification, "trainer", "cohort", "host",
	model.KindOrganisers, model.KindTrainers, model.KindCohorts, model.KindHosts}

// changed counts again and reads the certificates again when another
// desk's change bears on them. This desk's own run is left alone: it
// reads both afresh when it ends.
func (s *certificatesScreen) changed(cs []model.Change) {
	if s.cancel == nil && model.Touches(cs, certEntities...) {
		s.live.request(cs, s.refreshLive)
	}
}

// listEntities are the changes that bear on the cohorts, hosts and
// organisations a selection is chosen from.
var listEntities = []string{"cohort", "host", "trainer", model.KindCohorts, model.KindHosts, model.KindTrainers}

// refreshLive counts the selection again and reads the list again in place:
// what is typed stays, and the certificate chosen stays chosen. A cohort or
// host added, renamed or removed elsewhere is offered, or refused, at once.
func (s *certificatesScreen) refreshLive(cs []model.Change, done func()) {
	if model.Touches(cs, listEntities...) {
		s.loadLists() // counts again once the lists are read
	} else if q, problem := s.selection(); problem == "" {
		s.count(q)
	}
	keep := ""
	if s.selected >= 0 && s.selected < len(s.issued) {
		keep = s.issued[s.selected].Number
	}
	s.readIssued(func(list []model.Certificate) {
		s.issued = list
		s.table.Refresh()
		for r, c := range list {
			if c.Number == keep {
				s.table.Select(widget.TableCellID{Row: r, Col: 0})
				s.onIssuedSelected(r) // revoked elsewhere: reprint and revoke go
				return
			}
		}
		s.selected = -1
		s.table.UnselectAll()
		s.reprint.Disable()
		s.revoke.Disable()
	}, done)
}

func (s *certificatesScreen) onIssuedSelected(row int) {
	if row < 0 || row >= len(s.issued) {
		return
	}
	s.selected = row
	may := s.env.may(model.ActCertificates) && !s.issued[row].Revoked()
	setEnabled(s.reprint, may)
	setEnabled(s.revoke, may)
}

// onReprint prints the selected certificate again into the certificates
// folder (marked COPY once delivered) and opens it.
func (s *certificatesScreen) onReprint() {
	if s.selected < 0 {
		return
	}
	c := s.issued[s.selected]
	dir := s.outBase
	if dir == "" {
		sayProblem(s.status, "The output folder has not been read yet; try again.")
		return
	}
	what := "a copy of " + c.HolderName + "'s certificate, marked COPY,"
	if !c.Delivered() {
		what = c.HolderName + "'s certificate (never delivered, so an original)"
	}
	showConfirm("Reprint "+c.Number, "Write "+what+" to\n"+dir+"?", func(ok bool) {
		if !ok {
			return
		}
		load(s.env, func(ctx context.Context) (string, error) {
			return reports.PrintAgain(ctx, s.store, s.env.user, c.Number, dir)
		}, func(p string) {
			sayDone(s.status, "Reprinted "+c.Number+" to "+p+".")
			s.lastOut = p
			s.openBtn.Enable()
			s.loadIssued()
			s.onOpen()
		}, func(err error) {
			showError(err, s.env.win)
		})
	}, s.env.win)
}

// onRevoke asks for a reason, then confirms, then revokes.
func (s *certificatesScreen) onRevoke() {
	if s.selected < 0 {
		return
	}
	c := s.issued[s.selected]
	// An escEntry, not Fyne's own: the form says nothing when Fyne's own
	// entry is left empty without typing, only keeping Revoke disabled.
	reason := newEscEntry(nil, nil)
	reason.MultiLine = true
	reason.Wrapping = fyne.TextWrapWord
	reason.SetPlaceHolder("Why is it revoked? (kept with the certificate)")
	reason.Validator = func(v string) error {
		if strings.TrimSpace(v) == "" {
			return errors.New("a reason is required")
		}
		return nil
	}
	items := []*widget.FormItem{widget.NewFormItem("Reason", reason)}
	askForm("Revoke "+c.Number, "Revoke", "Keep it", items, func(ok bool) {
		if !ok {
			return
		}
		showGraveConfirm("Revoke "+c.Number+"?", c.HolderName+"'s "+c.Kind+" certificate will verify as revoked from now on. This cannot be undone.", func(yes bool) {
			if !yes {
				return
			}
			why := strings.TrimSpace(reason.Text)
			load(s.env, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, s.store.Revoke(ctx, s.env.user, c.Number, why)
			}, func(struct{}) {
				sayDone(s.status, "Revoked "+c.Number+": "+why)
				s.loadIssued()
				s.onSelectionChanged()
			}, func(err error) {
				showError(err, s.env.win)
			})
		}, s.env.win)
	}, s.env.win)
}
