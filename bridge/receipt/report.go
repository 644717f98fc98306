package receipt

import (
	"strings"

	"qrpos/internal/wire"
)

// maxReportLines bounds a report printout (a day's items included).
const maxReportLines = 2000

func validateReport(d *wire.ReportDoc) error {
	if strings.TrimSpace(d.Title) == "" {
		return invalid("report has no title")
	}
	if d.Time.IsZero() {
		return invalid("report has no time")
	}
	if len(d.Lines) == 0 || len(d.Lines) > maxReportLines {
		return invalid("report has %d lines, want 1 to %d", len(d.Lines), maxReportLines)
	}
	for i, l := range d.Lines {
		if strings.TrimSpace(l.Label) == "" {
			return invalid("report line %d has no label", i+1)
		}
		if l.Amount != nil && l.Amount.Currency == "" {
			return invalid("report line %d (%s) has an amount without currency", i+1, l.Label)
		}
	}
	return nil
}

// report lays out a shift, X or Z report: a title, the store and time,
// then one line per label with its value on the right, headings between
// rules.
func (l *layout) report(d *wire.ReportDoc) {
	l.title(d.Title)
	if d.StoreName != "" {
		l.center(d.StoreName)
	}
	if d.Subtitle != "" {
		l.center(d.Subtitle)
	}
	l.center(d.Time.Format("2006-01-02 15:04"))
	for _, line := range d.Lines {
		if line.Heading {
			l.rule("-")
			l.add(Row{Bold: true}, Wrap(line.Label, l.w)...)
			continue
		}
		value := line.Value
		if line.Amount != nil {
			value = Amount(*line.Amount)
		}
		l.add(Row{Bold: line.Bold}, pair(line.Label, value, l.w)...)
	}
	l.rule("=")
}
