package calendar

import (
	"time"

	"github.com/rehabplan/rehabplan/model"
)

// The calendars take what a problem's typed view has read (model.Problem.Typed):
// these helpers read the tests' recurrences, periods and dates the same way, as
// parts of a problem over c's horizon in c's time zone.

// newClock is NewClock on p's typed view.
func newClock(p *model.Problem) (*Clock, error) { return NewClock(p.Typed()) }

// over is a problem over c's horizon, in c's time zone, without public holidays.
func over(c *Clock) *model.Problem {
	return &model.Problem{Operation: model.Operation{TimeZone: c.Loc.String(), Start: c.Epoch.Format(time.DateOnly),
		End: c.Horizon.AddDate(0, 0, -1).Format(time.DateOnly), Holidays: "none"}}
}

// typed is rs read (as a problem's site hours); nil for none.
func typed(c *Clock, rs ...model.Recurrence) []model.TypedRecurrence {
	if len(rs) == 0 {
		return nil
	}
	p := over(c)
	p.Operation.SiteHours = rs
	return p.Typed().SiteHours()
}

// typedPeriods is ps read (as a household's absences).
func typedPeriods(c *Clock, ps ...model.Period) []model.TypedPeriod {
	p := over(c)
	p.Households = []model.Household{{ID: "H", Absences: ps}}
	return p.Typed().Households()[0].Absences
}

// dates is ds read (as the operation's extra holidays, in the view's order: sorted).
func dates(c *Clock, ds ...string) []model.Value[time.Time] {
	p := over(c)
	p.Operation.ExtraHolidays = ds
	return p.Typed().Holidays
}
