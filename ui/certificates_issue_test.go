package ui

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"cascade/model"
	"cascade/reports"
)

// openCertificates shows the Certificates screen on st for a lead and waits
// for its lists of cohorts and hosts.
func openCertificates(t *testing.T, st certificatesStore) (*certificatesScreen, *env, fyne.Window, uiQueue) {
	t.Helper()
	e, w, q := testEnv(t, nil)
	e.store = st.(model.Programme)
	s := newCertificatesScreen(e)
	w.SetContent(s.content())
	waitFor(t, q, "the cohorts and hosts", func() bool { return s.lists != nil })
	return s, e, w, q
}

// waitCounted waits for the eligible line to count the form as it stands.
func waitCounted(t *testing.T, s *certificatesScreen, q uiQueue) {
	t.Helper()
	waitFor(t, q, "the count", func() bool {
		cur, problem := s.selection()
		return problem == "" && s.counted == cur.key() && strings.Contains(s.eligible.Text, "eligible in the selection")
	})
}

// eligibleOf counts the eligible candidates of a kind as the store lists them.
func eligibleOf(t *testing.T, st model.Programme, sel model.CertSelection, kind string) int {
	t.Helper()
	sel.Kind = kind
	cs, err := st.Candidates(context.Background(), sel)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, c := range cs {
		if c.Eligible {
			n++
		}
	}
	return n
}

// The issue's case: cohort 3 with the first choice of kind issued trainer
// certificates unasked. Now the count says none, by kind, and the
// confirmation names the same numbers; "Don't issue" issues nothing, "Issue"
// issues what it said and no trainer certificate.
func TestCertificatesConfirmedIssue(t *testing.T) {
	st := openCopyOfDemo(t)
	ctx := context.Background()
	if eligibleOf(t, st, model.CertSelection{Cohort: 3}, model.KindTrainer) == 0 {
		t.Fatal("cohort 3 has no eligible trainers; the case needs some")
	}
	s, _, w, q := openCertificates(t, st)
	if s.kind.Selected != certKinds[0].label || slices.Contains(certKinds[0].kinds, model.KindTrainer) {
		t.Fatalf("first kind %q takes %v; want organisers' kinds only", s.kind.Selected, certKinds[0].kinds)
	}
	s.cohort.SetText("3")
	waitCounted(t, s, q)
	want := num(eligibleOf(t, st, model.CertSelection{Cohort: 3}, model.KindCompletion)) + " completion certificate"
	if !strings.Contains(s.eligible.Text, want) || !strings.Contains(s.eligible.Text, "0 trainer certificates") {
		t.Errorf("cohort 3 counts %q; want %q and 0 trainer certificates", s.eligible.Text, want)
	}

	// Issue to one person of cohort 3 at their host, to keep the run
	// small under -race; one with a units certificate too when there is one.
	var host, email string
	for _, c := range s.cands {
		if c.Eligible && c.Host != "" && (email == "" || c.Kind == model.KindUnits) {
			host, email = c.Host, c.Email
		}
	}
	s.host.SetText(host)
	s.person.SetText(email)
	waitCounted(t, s, q)
	sel := model.CertSelection{Cohort: 3, Host: host, Person: email}
	completion, units := eligibleOf(t, st, sel, model.KindCompletion), eligibleOf(t, st, sel, model.KindUnits)
	out := filepath.Join(t.TempDir(), "certs")
	s.outPath.SetText(out)

	test.Tap(s.issueBtn)
	d := topDialog(t, w, "the confirmation")
	for _, want := range []string{plural(completion, "completion certificate"), plural(units, "units certificate"), "0 trainer certificates", "cohort 3", host} {
		if !strings.Contains(shownText(d), want) {
			t.Errorf("confirmation says %q; want %q", shownText(d), want)
		}
	}
	tapIn(t, d, "Don't issue")
	q.drain()
	if list, _ := st.Certificates(ctx, "", 10); len(list) != 0 || s.status.Text != "Nothing issued." {
		t.Fatalf("after Don't issue: %d certificates, status %q", len(list), s.status.Text)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("after Don't issue the output folder exists: %v", err)
	}

	test.Tap(s.issueBtn)
	tapIn(t, topDialog(t, w, "the confirmation"), "Issue")
	waitFor(t, q, "issuing to finish", func() bool { return s.cancel == nil && s.status.Text != "Issuing…" })
	if !strings.HasPrefix(s.status.Text, "Issued ") {
		t.Fatalf("after Issue: %q", s.status.Text)
	}
	list, err := st.Certificates(ctx, "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range list {
		kinds[c.Kind]++
	}
	if kinds[model.KindCompletion] != completion || kinds[model.KindUnits] != units || kinds[model.KindTrainer] != 0 {
		t.Errorf("issued %v; the confirmation said %d completion, %d units, 0 trainer", kinds, completion, units)
	}
}

// A cohort or host the programme does not hold is refused with a line
// saying so, never counted as "0 eligible"; a name in another case is the
// same host; a partial name is refused with what it may mean.
func TestCertificatesRefusesUnknownCohortAndHost(t *testing.T) {
	st := openDemo(t)
	s, _, _, q := openCertificates(t, st)
	hosts, err := st.HostChoices(context.Background())
	if err != nil || len(hosts) == 0 {
		t.Fatalf("HostChoices: %v", err)
	}
	host := hosts[0].Label
	cases := []struct {
		cohort, host string
		refused      string // "" when it counts
	}{
		{"99", "", "There is no cohort 99 in this programme (cohorts 1–14)"},
		{"0", "", "give a cohort number"},
		{"three", "", "give a cohort number"},
		{"Cohort 3", "", ""},
		{"3", host + "x", "No host organisation is called"},
		{"", strings.ToUpper(host), ""},
		{"", strings.Fields(host)[0] + " zzz", "No host organisation is called"},
		{"", host[:len(host)-3], "Did you mean " + host},
	}
	for _, c := range cases {
		s.cohort.SetText(c.cohort)
		s.host.SetText(c.host)
		if c.refused == "" {
			waitCounted(t, s, q)
			continue
		}
		q.drain()
		if !strings.Contains(s.eligible.Text, c.refused) || !s.issueBtn.Disabled() {
			t.Errorf("cohort %q host %q: %q, issue enabled %v; want %q refused", c.cohort, c.host, s.eligible.Text, !s.issueBtn.Disabled(), c.refused)
		}
		if strings.Contains(s.eligible.Text, "0 eligible") {
			t.Errorf("cohort %q host %q counted as nobody: %q", c.cohort, c.host, s.eligible.Text)
		}
	}
}

// The drop-downs narrow to what is typed; trainer certificates choose from
// trainers' organisations, where a host organisation is refused.
func TestCertificatesListsNarrowAsYouType(t *testing.T) {
	st := openDemo(t)
	s, _, _, q := openCertificates(t, st)
	test.Type(s.cohort, "1")
	q.drain()
	if len(s.cohortOpts) == 0 || len(s.cohortOpts) >= len(s.lists.cohorts) {
		t.Errorf("typing 1 offers cohorts %v of %v; want fewer, all holding 1", s.cohortOpts, s.lists.cohorts)
	}
	for _, o := range s.cohortOpts {
		if !strings.Contains(o, "1") {
			t.Errorf("typing 1 offers cohort %s", o)
		}
	}
	s.cohort.SetText("")
	word := strings.Fields(s.lists.hosts[0])[0]
	s.host.SetText(strings.ToLower(word))
	q.drain()
	if len(s.hostOpts) == 0 || len(s.hostOpts) == len(s.lists.hosts) {
		t.Errorf("typing %q offers %d of %d hosts", word, len(s.hostOpts), len(s.lists.hosts))
	}
	for _, o := range s.hostOpts {
		if !strings.Contains(model.Fold(o), model.Fold(word)) {
			t.Errorf("typing %q offers %q", word, o)
		}
	}

	// Trainer certificates: the list is trainers' organisations.
	s.host.SetText("")
	s.kind.SetSelected(certKinds[len(certKinds)-1].label)
	q.drain()
	if s.hostItem.Text != "Organisation" || !slices.Equal(s.hostOpts, s.lists.orgs) || len(s.lists.orgs) == 0 {
		t.Errorf("trainer kind: field %q offers %v; want the trainers' organisations %v", s.hostItem.Text, s.hostOpts, s.lists.orgs)
	}
	var notOrg string
	for _, h := range s.lists.hosts {
		if !slices.ContainsFunc(s.lists.orgs, func(o string) bool { return strings.EqualFold(o, h) }) {
			notOrg = h
			break
		}
	}
	s.host.SetText(notOrg)
	q.drain()
	if !strings.Contains(s.eligible.Text, "No trainer's organisation is called") {
		t.Errorf("trainer kind with host %q: %q; want it refused", notOrg, s.eligible.Text)
	}
	s.host.SetText(s.lists.orgs[0])
	waitCounted(t, s, q)
	if strings.Contains(s.eligible.Text, "0 trainer certificates") && eligibleOf(t, st, model.CertSelection{Host: s.lists.orgs[0]}, model.KindTrainer) > 0 {
		t.Errorf("trainer kind at %s: %q", s.lists.orgs[0], s.eligible.Text)
	}
}

// Every path a person would type has a Browse… beside it that opens a
// chooser; what is chosen lands in the entry, a file with its extension.
func TestEveryPathHasBrowse(t *testing.T) {
	st := openDemo(t)
	e, w, q := testEnv(t, st)
	pickers := map[string]*pathPicker{}
	cs := newCertificatesScreen(e)
	pickers["certificates"] = cs.outPick
	rs := newReportsScreen(e)
	pickers["reports"] = rs.outPick
	ss := newSettingsScreen(e)
	q.drain()
	for where, p := range pickers {
		if b := findButton(p.box, "Browse…"); b == nil || b.Disabled() {
			t.Errorf("%s: no Browse… beside the path", where)
		}
	}
	if b := ss.browse[reports.OutputFolderSetting]; b == nil || b.Text != "Browse…" {
		t.Error("settings: no Browse… beside the output folder")
	}
	if b := ss.browse["certificate.logo"]; b == nil || b.Text != "Browse…" {
		t.Error("settings: no Browse… beside the certificate logo")
	}

	w.SetContent(cs.content())
	test.Tap(cs.outPick.button)
	if w.Canvas().Overlays().Top() == nil {
		t.Error("Browse… opened no chooser")
	}
	w.Canvas().Overlays().Top().Hide()
	dir := t.TempDir()
	cs.outMode.SetSelected(outCombined)
	cs.outPick.chosen(filepath.Join(dir, "cohort3"))
	if cs.outPath.Text != filepath.Join(dir, "cohort3.pdf") {
		t.Errorf("combined PDF chosen as %q; want it ending .pdf", cs.outPath.Text)
	}
	cs.outMode.SetSelected(outFolder)
	cs.outPick.chosen(dir)
	if cs.outPath.Text != dir {
		t.Errorf("folder chosen as %q; want %q", cs.outPath.Text, dir)
	}
	rs.format.SetSelected("xlsx")
	rs.outPick.chosen(filepath.Join(dir, "Progress.XLSX"))
	if rs.outPath.Text != filepath.Join(dir, "Progress.XLSX") {
		t.Errorf("report chosen as %q; want the name kept", rs.outPath.Text)
	}
}
