package solver

import (
	"encoding/binary"
	"hash/fnv"
	"slices"
	"sort"
	"strconv"
)

// A task worked in several stretches holds its crew from its start to its end,
// gaps included: a day's job in a household at home only in the mornings holds
// the crew's afternoons too. The window bound (endbound.go) counts, for such a
// task, the least working time of its resource that it holds, over its modes and
// the starts a schedule ending by the candidate end allows, instead of its
// duration.
//
// Over one mode, with its calendar M (met with the resource's calendar R, so M
// lies inside R) and a start s inside a stretch of M, the end E(s) lies d of M's
// working time later and the time held is R's working time in [s, E(s)). Moving s
// on by one unit inside a stretch moves E(s) on by one inside a stretch: R loses
// one unit at s and gains one at E(s), the time held is unchanged. It changes
// only where s enters a stretch (a stretch's start), leaves one (from a
// stretch's last unit to the next stretch's start it can only fall, since E(s)
// does not move), or where E(s) leaves one (it jumps over a gap of M that R may
// work: the start that ends at the stretch's end holds less than those just
// after it). So, over the starts in [from, to], the least is met at a stretch's
// start, at a start that ends at a stretch's end, or at from.

// heldCurve is the time held at each start of the first two kinds, for one
// mode's calendar, resource calendar and duration, over a stretch of time.
type heldCurve struct {
	s, h []int // starts, increasing, and the time held from each
}

// newHeldCurve walks m's stretches from from on, until those after to hold d,
// and returns the curve of both kinds of start in [from, to]; nil when there are
// too many stretches to walk.
func newHeldCurve(m meet, rc *Calendar, d, from, to int) *heldCurve {
	var ws []Window
	cum := []int{0}
	var arr [maxWalk]int
	idx := arr[:min(len(m.cs), maxWalk)]
	after := 0
	for p, ok := m.pieceFrom(from, idx); ok; p, ok = m.pieceFrom(p.End, idx) {
		if p.Start > to {
			if after >= d {
				break
			}
			after += p.Len()
		}
		if p.End >= MaxTime/2 {
			p.End = p.Start + d // open from here on: one stretch holds it
		}
		ws = append(ws, p)
		cum = append(cum, cum[len(cum)-1]+p.Len())
		if len(ws) > 1<<16 {
			return nil
		}
	}
	var a, b heldCurve
	// starts at a stretch's start; the resource's window indices are carried
	// from one start (and end) to the next, both increasing
	var si, ei int
	heldFrom := func(s, e int) int {
		si, ei = rc.findFrom(s, si), rc.findFrom(e, ei)
		return rc.workBeforeAt(e, ei) - rc.workBeforeAt(s, si)
	}
	j := 0
	for i := range ws {
		if ws[i].Start > to {
			break
		}
		target := cum[i] + d
		for j < len(ws) && cum[j+1] < target {
			j++
		}
		if j == len(ws) {
			break
		}
		a.s = append(a.s, ws[i].Start)
		a.h = append(a.h, heldFrom(ws[i].Start, ws[j].Start+target-cum[j]))
	}
	// starts that end at a stretch's end
	i := 0
	si, ei = 0, 0
	for j := range ws {
		target := cum[j+1] - d
		if target < 0 {
			continue
		}
		for i < len(ws) && cum[i+1] <= target {
			i++
		}
		s := ws[i].Start + target - cum[i]
		if s > to {
			break
		}
		b.s = append(b.s, s)
		b.h = append(b.h, heldFrom(s, ws[j].End))
	}
	// merge by start
	out := &heldCurve{s: make([]int, 0, len(a.s)+len(b.s)), h: make([]int, 0, len(a.s)+len(b.s))}
	x, y := 0, 0
	for x < len(a.s) || y < len(b.s) {
		if y == len(b.s) || x < len(a.s) && a.s[x] <= b.s[y] {
			out.s, out.h = append(out.s, a.s[x]), append(out.h, a.h[x])
			x++
		} else {
			out.s, out.h = append(out.s, b.s[y]), append(out.h, b.h[y])
			y++
		}
	}
	return out
}

// heldAt is the time of rc held by a job of d on m starting at s; false when s
// is not inside a stretch of m (a job cannot start there) or the job cannot end.
func heldAt(m meet, rc *Calendar, d, s int) (int, bool) {
	st, e, ok := m.Advance(s, d)
	if !ok || st != s {
		return 0, false
	}
	return rc.Work(s, e), true
}

// least is the least time held by a start in [from, to], the curve covering
// them; MaxTime when no job starts there.
func (hc *heldCurve) least(m meet, rc *Calendar, d, from, to int) int {
	best := MaxTime
	lo := sort.SearchInts(hc.s, from)
	for k := lo; k < len(hc.s) && hc.s[k] <= to; k++ {
		best = min(best, hc.h[k])
	}
	if best == d {
		return best
	}
	if h, ok := heldAt(m, rc, d, from); ok {
		best = min(best, h)
	}
	return best
}

// heldCache shares the curves of the tasks with the same calendars, resource
// and duration, each walked once over the widest stretch its tasks ask
// (reserve, then leastHeld).
type heldCache struct {
	curves map[string]*sharedCurve
	// ids names calendars by their windows: crews and households with the
	// same hours share curves (calendars equal in content are often distinct)
	ids   map[*Calendar]int
	bySum map[uint64][]*Calendar
}

func newHeldCache() *heldCache {
	return &heldCache{curves: map[string]*sharedCurve{}, ids: map[*Calendar]int{}, bySum: map[uint64][]*Calendar{}}
}

// id is the number of c's content (0 for always open).
func (hc *heldCache) id(c *Calendar) int {
	if c == nil {
		return 0
	}
	if id, ok := hc.ids[c]; ok {
		return id
	}
	h := fnv.New64a()
	var buf [16]byte
	for _, w := range c.w {
		binary.LittleEndian.PutUint64(buf[:8], uint64(w.Start))
		binary.LittleEndian.PutUint64(buf[8:], uint64(w.End))
		h.Write(buf[:])
	}
	sum := h.Sum64()
	for _, o := range hc.bySum[sum] {
		if slices.Equal(o.w, c.w) {
			hc.ids[c] = hc.ids[o]
			return hc.ids[c]
		}
	}
	hc.bySum[sum] = append(hc.bySum[sum], c)
	hc.ids[c] = len(hc.ids) + 1
	return hc.ids[c]
}

// key names a curve: the mode's calendars, the resource's and the duration.
func (hc *heldCache) key(m mode, rc *Calendar, d int) string {
	b := make([]byte, 0, 64)
	for _, c := range m.cal.cs {
		b = strconv.AppendInt(b, int64(hc.id(c)), 10)
		b = append(b, ',')
	}
	b = strconv.AppendInt(b, int64(hc.id(rc)), 10)
	b = append(b, ',')
	b = strconv.AppendInt(b, int64(d), 10)
	return string(b)
}

type sharedCurve struct {
	from, to int
	cv       *heldCurve
}

// heldTask says whether leastHeld walks calendars for task t's demand d, and
// which resource calendar each mode holds (nil: none).
func (c *compiled) heldTask(t, d int) bool {
	task := &c.p.Tasks[t]
	dm := task.Demands[d]
	if task.Duration == 0 || task.Contiguous || dm.WhilePresent || dm.Amount == 0 {
		return false
	}
	for _, m := range c.modes[t] {
		if c.p.Resources[m.choice[d]].Calendar == nil {
			return false
		}
	}
	return true
}

// reserve widens the stretches of task t's curves to [from, to].
func (hc *heldCache) reserve(c *compiled, t, d, from, to int) {
	if !c.heldTask(t, d) {
		return
	}
	for _, m := range c.modes[t] {
		key := hc.key(m, c.p.Resources[m.choice[d]].Calendar, c.p.Tasks[t].Duration)
		if sc := hc.curves[key]; sc != nil {
			sc.from, sc.to = min(sc.from, from), max(sc.to, to)
		} else {
			hc.curves[key] = &sharedCurve{from: from, to: to}
		}
	}
}

// leastHeld is the least working time of the resource of task t's demand d
// that t holds when it starts in [from, to] (amount times that resource's
// working time from the start to the end), over t's modes; the demand's work
// (duration x amount) when it is held only while present, t runs in one
// stretch, the resource is always open (what it holds is elapsed time, left to
// the critical path) or no start fits. hc, when not nil, has reserved [from,
// to] for t and d.
func (c *compiled) leastHeld(t, d, from, to int, hc *heldCache) int {
	task := &c.p.Tasks[t]
	dm := task.Demands[d]
	work := task.Duration * dm.Amount
	if !c.heldTask(t, d) {
		return work
	}
	best := MaxTime
	for _, m := range c.modes[t] {
		rc := c.p.Resources[m.choice[d]].Calendar
		var cv *heldCurve
		if hc != nil {
			sc := hc.curves[hc.key(m, rc, task.Duration)]
			if sc.cv == nil {
				sc.cv = newHeldCurve(m.cal, rc, task.Duration, sc.from, sc.to)
				if sc.cv == nil {
					return work
				}
			}
			cv = sc.cv
		} else if cv = newHeldCurve(m.cal, rc, task.Duration, from, to); cv == nil {
			return work
		}
		if h := cv.least(m.cal, rc, task.Duration, from, to); h < MaxTime {
			best = min(best, dm.Amount*h)
		}
		if best == work {
			break
		}
	}
	if best == MaxTime {
		return work
	}
	return best
}

// heldSets is sets with each task's work the least working time of its
// resource that it holds (leastHeld) in a schedule ending by hi, between its
// earliest start and its latest for hi. nil when no task holds more than its
// duration.
func (l *latest) heldSets(sets []*energySet, hi int) []*energySet {
	if !l.backward(hi) {
		return nil
	}
	hc := newHeldCache()
	for _, s := range sets {
		for i, t := range s.tasks {
			hc.reserve(l.c, t, s.dem[i], l.est[t], l.ls[t])
		}
	}
	var out []*energySet
	more := false
	for _, s := range sets {
		h := *s
		h.work = make([]int, len(s.work))
		for i, t := range s.tasks {
			h.work[i] = max(s.work[i], l.c.leastHeld(t, s.dem[i], l.est[t], l.ls[t], hc))
			more = more || h.work[i] > s.work[i]
		}
		out = append(out, &h)
	}
	if !more {
		return nil
	}
	return out
}
