package model

import (
	"context"
	"crypto/ed25519"
	"time"
)

// The interfaces below are what screens and commands call. A store package
// under model (model/sqlstore today) implements them all; nothing outside
// model names a store's concrete type except the code that opens one.

// Every method that changes anything takes the acting user first after the
// context, checks their rights against the role table (Permitted) as the
// store holds them now, and names them in the audit log.

// AccreditationReader holds the calls for accreditation report.
type AccreditationReader interface {
	AccreditationReport(ctx context.Context, cohort int) ([]AccreditationRow, error)
}

// Assessments holds the calls for assessment.
type Assessments interface {
	AssessorQueue(ctx context.Context, f QueueFilter) ([]QueueItem, error)
	CriteriaByID(ctx context.Context, ids []int64) ([]Criterion, error)
	Decisions(ctx context.Context, evidenceID int64) ([]Decision, error)
	QueueLength(ctx context.Context) (int, error)
	RecordDecision(ctx context.Context, by User, d DecisionDraft) (int64, error)
}

// AuditReader holds the calls for audit.
type AuditReader interface {
	AuditChoices(ctx context.Context) (AuditChoices, error)
	AuditLog(ctx context.Context, f AuditFilter) ([]AuditEntry, error)
}

// SignIns holds the calls for auth.
type SignIns interface {
	SignIn(ctx context.Context, username string, password string) (User, error)
	Authorize(ctx context.Context, by User, action string) error
}

// Backups holds the calls for backup.
type Backups interface {
	AutoBackup(ctx context.Context, dir string, keep int) (BackupInfo, error)
	Backup(ctx context.Context, by User, out string, progress func(done int, total int)) (BackupInfo, error)
}

// CascadeReader holds the calls for cascade.
type CascadeReader interface {
	Cascade(ctx context.Context) (*Cascade, error)
	PersonCard(ctx context.Context, personID int64) (PersonCard, error)
}

// CatalogueStore holds the calls for catalogue.
type CatalogueStore interface {
	ImportCatalogue(ctx context.Context, by User, c Catalogue) (units int, quals int, err error)
	LoadCatalogue(ctx context.Context) (Catalogue, error)
}

// CertificateStore holds the calls for certificate.
type CertificateStore interface {
	Badges(ctx context.Context, by User, sel CertSelection) ([]Badge, error)
	Candidates(ctx context.Context, sel CertSelection) ([]Candidate, error)
	CertificateByNumber(ctx context.Context, number string) (Certificate, error)
	CertificateSettings(ctx context.Context) (CertificateSettings, error)
	Certificates(ctx context.Context, search string, limit int) ([]Certificate, error)
	AllCertificates(ctx context.Context) ([]Certificate, error)
	IssueCertificates(ctx context.Context, by User, cands []Candidate, opt IssueOptions) ([]Issued, error)
	MarkDelivered(ctx context.Context, by User, numbers []string) error
	Reprint(ctx context.Context, by User, number string) (Certificate, error)
	Revoke(ctx context.Context, by User, number string, reason string) error
	RevokedNumbers(ctx context.Context) ([]string, error)
	VerifyCertificate(ctx context.Context, number string, code string, payload string) (Verification, error)
}

// Checker holds the calls for check.
type Checker interface {
	Check(ctx context.Context) (CheckReport, error)
}

// ClaimStore holds the calls for claim.
type ClaimStore interface {
	ClaimByID(ctx context.Context, id int64) (Claim, error)
	ClaimCentre(ctx context.Context) (string, error)
	ClaimLines(ctx context.Context, id int64) ([]ClaimLine, error)
	Claims(ctx context.Context) ([]Claim, error)
	CorrectClaim(ctx context.Context, by User, id int64) (Claim, error)
	CreateClaim(ctx context.Context, by User, cohort int, qualCode string) (Claim, []ClaimProblem, error)
	DiscardClaim(ctx context.Context, by User, id int64) error
	RemoveClaimLine(ctx context.Context, by User, claimID int64, organiserID int64, unitCode string) error
	SubmitClaim(ctx context.Context, by User, id int64) error
	SubmitClaimFrom(ctx context.Context, by User, was Claim) error
}

// CohortStore holds the calls for cohort.
type CohortStore interface {
	CohortChoices(ctx context.Context) ([]Choice, error)
	Cohorts(ctx context.Context) ([]CohortRow, error)
	CohortsAndHosts(ctx context.Context) ([]CohortRow, []HostRow, error)
	Host(ctx context.Context, id int64) (Host, error)
	HostChoices(ctx context.Context) ([]Choice, error)
	HostOrganisers(ctx context.Context, hostID int64) ([]OrganiserRow, error)
	Hosts(ctx context.Context) ([]HostRow, error)
	Regions(ctx context.Context) ([]string, error)
	SaveCohort(ctx context.Context, by User, c Cohort) (int64, error)
	SaveHost(ctx context.Context, by User, h Host) (int64, error)
}

// DashboardReader holds the calls for dashboard.
type DashboardReader interface {
	Dashboard(ctx context.Context) (Dashboard, error)
	DashboardCharts(ctx context.Context) (DashboardCharts, error)
}

// EvidenceStore holds the calls for evidence.
type EvidenceStore interface {
	AddEvidence(ctx context.Context, by User, e EvidenceItem, submit bool) (int64, error)
	AddEvidenceFile(ctx context.Context, by User, evidenceID int64, src string) (EvidenceFile, error)
	Coverage(ctx context.Context, organiserID int64) ([]CriterionCoverage, error)
	Evidence(ctx context.Context, id int64) (EvidenceItem, error)
	Learners(ctx context.Context, text string, limit int) ([]Learner, error)
	Portfolio(ctx context.Context, organiserID int64) ([]EvidenceItem, error)
	SubmitEvidence(ctx context.Context, by User, id int64) error
}

// Exporter holds the calls for export.
type Exporter interface {
	ExportTable(ctx context.Context, kind string) ([]string, [][]string, error)
}

// Importer holds the calls for import.
type Importer interface {
	Import(ctx context.Context, by User, kind string, path string, opt ImportOptions) (*ImportResult, error)
	PreviewImport(ctx context.Context, kind string, path string) (*ImportResult, error)
}

// Keys holds the calls for keys.
type Keys interface {
	PublicKey(ctx context.Context) (ed25519.PublicKey, error)
}

// OrganiserStore holds the calls for organiser.
type OrganiserStore interface {
	CreateOrganiser(ctx context.Context, by User, o Organiser) (int64, error)
	Organiser(ctx context.Context, id int64) (Organiser, error)
	OrganiserPage(ctx context.Context, id int64) (OrganiserPage, error)
	OrganiserRows(ctx context.Context) ([]OrganiserRow, error)
	SeniorChoices(ctx context.Context, hostID int64) ([]Choice, error)
	UpdateOrganiser(ctx context.Context, by User, o Organiser) error
	WithdrawOrganiser(ctx context.Context, by User, id int64, on string, reason string) (Organiser, error)
}

// PersonDataStore holds the calls for person data.
type PersonDataStore interface {
	Equality(ctx context.Context, by User, personID int64) (Equality, error)
	EqualityCounts(ctx context.Context) ([]EqualityCount, error)
	ErasePerson(ctx context.Context, by User, email string, reason string) (Erasure, error)
	ExportPerson(ctx context.Context, by User, email string, dir string) (PersonExport, error)
	PersonData(ctx context.Context, email string) (*PersonData, error)
	SetEquality(ctx context.Context, by User, personID int64, e Equality) error
}

// ProgressReader holds the calls for progress.
type ProgressReader interface {
	CohortProgress(ctx context.Context, cohort int) ([]LearnerProgress, error)
	LearnerProgress(ctx context.Context, organiserID int64) ([]LearnerProgress, error)
	ProgressOf(ctx context.Context, f ProgressFilter) ([]LearnerProgress, error)
}

// ReportData holds the calls for report data.
type ReportData interface {
	CascadeReport(ctx context.Context, cohort int) (CascadeReport, error)
	EqualityReport(ctx context.Context, cohort int) (EqualityReport, error)
	ProgressReport(ctx context.Context, cohort int) (ProgressReport, error)
	VerificationReport(ctx context.Context, cohort int) (VerificationReport, error)
}

// SettingsStore holds the calls for settings data.
type SettingsStore interface {
	AllSettings(ctx context.Context) ([]Setting, error)
	SaveSettings(ctx context.Context, by User, values map[string]string) error
	SaveSettingsFrom(ctx context.Context, by User, was map[string]string, values map[string]string) error
}

// Handle is the open programme itself: where it lives, its evidence files, closing it.
type Handle interface {
	Close() error
	Path() string
	SchemaVersion(ctx context.Context) (int64, error)
	ViewableCopy(f EvidenceFile) (string, error)
	ViewEvidence(ctx context.Context, f EvidenceFile, textLimit int) (EvidenceView, error)
}

// SummaryReader holds the calls for summary.
type SummaryReader interface {
	Summary(ctx context.Context) (Summary, error)
}

// TrainerStore holds the calls for trainer.
type TrainerStore interface {
	CreateTrainer(ctx context.Context, by User, in TrainerInput) (int64, error)
	RetireTrainer(ctx context.Context, by User, id int64, on string) error
	TrainerDetail(ctx context.Context, id int64) (TrainerDetail, error)
	Trainers(ctx context.Context) (TrainerList, error)
	UnretireTrainer(ctx context.Context, by User, id int64) error
	UnretireTrainerFrom(ctx context.Context, by User, was TrainerDetail) error
	UpdateTrainer(ctx context.Context, by User, id int64, in TrainerInput) error
}

// TrainingStore holds the calls for training.
type TrainingStore interface {
	AddSession(ctx context.Context, by User, x Session) (int64, error)
	CompleteModule(ctx context.Context, by User, m ManualCompletion) error
	CourseSessions(ctx context.Context, courseID int64) ([]Session, error)
	Courses(ctx context.Context) ([]Course, error)
	CreateCourse(ctx context.Context, by User, c NewCourse) (int64, error)
	Enrol(ctx context.Context, by User, courseID int64, personIDs []int64) (int, error)
	EnrolChoices(ctx context.Context, courseID int64, f EnrolFilter) ([]EnrolChoice, error)
	MissedSessions(ctx context.Context, today time.Time) ([]MissedRow, error)
	ModuleCompletion(ctx context.Context, organiserID int64, moduleID int64) (ModuleCompletion, error)
	ModuleCompletionGrid(ctx context.Context) (ModuleCompletions, error)
	Modules(ctx context.Context) ([]Module, error)
	Register(ctx context.Context, sessionID int64) (Register, error)
	SaveRegister(ctx context.Context, by User, sessionID int64, marks map[int64]bool) error
	SaveRegisterFrom(ctx context.Context, by User, sessionID int64, was map[int64]bool, marks map[int64]bool) ([]KeptMark, error)
	SessionOptions(ctx context.Context) (SessionOptions, error)
	Training(ctx context.Context) (TrainingOverview, error)
}

// UserStore holds the calls for user.
type UserStore interface {
	CreateFirstAdmin(ctx context.Context, n NewUser) (User, error)
	CreateUser(ctx context.Context, by User, n NewUser) (User, error)
	HasUsers(ctx context.Context) (bool, error)
	SetUserActive(ctx context.Context, by User, id int64, active bool) error
	SetUserActiveFrom(ctx context.Context, by User, was User, active bool) error
	SetUserPassword(ctx context.Context, by User, id int64, password string) error
	SetUserPasswordFrom(ctx context.Context, by User, was User, password string) error
	SetUserRole(ctx context.Context, by User, id int64, role string) error
	SetUserRoleFrom(ctx context.Context, by User, was User, role string) error
	UserByID(ctx context.Context, id int64) (User, error)
	Users(ctx context.Context) ([]User, error)
}

// VerificationStore holds the calls for verification.
type VerificationStore interface {
	CoverageMatrix(ctx context.Context, cohort int) ([]MatrixCell, error)
	DrawSample(ctx context.Context, by User, cohort int) (int, error)
	Plan(ctx context.Context, by User, cohort int) (IVPlan, error)
	PlanRates(ctx context.Context, cohort int) (IVPlan, error)
	PreviewSample(ctx context.Context, by User, cohort int) (SampleDraw, error)
	SampleDecision(ctx context.Context, by User, decisionID int64) (int64, error)
	Samples(ctx context.Context, f SampleFilter) ([]Sample, error)
	SetPlanRates(ctx context.Context, by User, cohort int, base int, newAssessor int) (IVPlan, error)
	SetPlanRatesFrom(ctx context.Context, by User, was IVPlan, base int, newAssessor int) (IVPlan, error)
	VerifySample(ctx context.Context, by User, sampleID int64, outcome string, actions string) error
}

// Programme is everything a screen or command may ask of an open programme.
type Programme interface {
	AccreditationReader
	Assessments
	AuditReader
	SignIns
	Backups
	CascadeReader
	CatalogueStore
	CertificateStore
	Checker
	ClaimStore
	CohortStore
	DashboardReader
	EvidenceStore
	Exporter
	Importer
	Keys
	OrganiserStore
	PersonDataStore
	ProgressReader
	ReportData
	SettingsStore
	Handle
	SummaryReader
	TrainerStore
	TrainingStore
	UserStore
	VerificationStore
	Watcher
}
