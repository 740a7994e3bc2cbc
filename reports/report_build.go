package reports

import (
	"context"
	"errors"
	"fmt"
	"time"

	"cascade/model"
)

// ReportKinds lists the report kinds, as cascade report and the Reports
// screen offer them.
var ReportKinds = []string{"progress", "accreditation", "claim", "cascade", "verification", "equality"}

// ErrReportNotBuilt is returned for a kind BuildReport cannot make: the
// claim report names one claim, so it is written from that claim.
var ErrReportNotBuilt = errors.New("not built yet in this version")

// ReportSource is what building a report reads: the store's report queries.
type ReportSource interface {
	ProgressReport(ctx context.Context, cohort int) (model.ProgressReport, error)
	CascadeReport(ctx context.Context, cohort int) (model.CascadeReport, error)
	VerificationReport(ctx context.Context, cohort int) (model.VerificationReport, error)
	EqualityReport(ctx context.Context, cohort int) (model.EqualityReport, error)
	CertificateSettings(ctx context.Context) (model.CertificateSettings, error)
	AccreditationReport(ctx context.Context, cohort int) ([]model.AccreditationRow, error)
}

// cascadeSource is a ReportSource that can also read the trainer network
// for the cascade diagram.
type cascadeSource interface {
	Cascade(ctx context.Context) (*model.Cascade, error)
}

// cascadeReportTreeSource reads the whole programme's cascade report and
// the cascade its diagram draws in one read, sharing the organisers
// between them.
type cascadeReportTreeSource interface {
	CascadeReportWithTree(ctx context.Context) (model.CascadeReport, *model.Cascade, error)
}

// BuildReport reads a report's data and lays it out as a Document; cohort 0
// is the whole programme.
func BuildReport(ctx context.Context, src ReportSource, kind string, cohort int, created time.Time) (Document, error) {
	cs, err := src.CertificateSettings(ctx)
	if err != nil {
		return Document{}, err
	}
	switch kind {
	case "progress":
		r, err := src.ProgressReport(ctx, cohort)
		return ProgressDocument(r, created), err
	case "cascade":
		if both, ok := src.(cascadeReportTreeSource); ok && cohort == 0 {
			r, c, err := both.CascadeReportWithTree(ctx)
			if err != nil {
				return Document{}, err
			}
			return CascadeDocument(r, diagramPage(c, created.Format("2 January 2006")), created), nil
		}
		r, err := src.CascadeReport(ctx, cohort)
		if err != nil {
			return Document{}, err
		}
		var diagram CascadeDiagram
		if cs, ok := src.(cascadeSource); ok && cohort == 0 {
			// The diagram is of the whole trainer network, so it goes in the
			// whole-programme report only.
			c, err := cs.Cascade(ctx)
			if err != nil {
				return Document{}, err
			}
			diagram = diagramPage(c, created.Format("2 January 2006"))
		}
		return CascadeDocument(r, diagram, created), nil
	case "verification":
		r, err := src.VerificationReport(ctx, cohort)
		return VerificationDocument(r, cs.Programme, created), err
	case "equality":
		r, err := src.EqualityReport(ctx, cohort)
		return EqualityDocument(r, cs.Programme, created), err
	case "accreditation":
		rows, err := src.AccreditationReport(ctx, cohort)
		return AccreditationDocument(rows, cohort, cs.Programme, created), err
	case "claim":
		return Document{}, fmt.Errorf("a claim report is one claim's: %w (export it from the Claims screen, or cascade report claim --ref)", ErrReportNotBuilt)
	}
	return Document{}, fmt.Errorf("report kind %q: want one of progress, accreditation, claim, cascade, verification, equality", kind)
}
