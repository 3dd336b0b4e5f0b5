package gen

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/rehabplan/rehabplan/model"
	"github.com/rehabplan/rehabplan/scheduler"
)

func TestScratch(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("N"))
	seed, _ := strconv.Atoi(os.Getenv("SEED"))
	var p *model.Problem
	if n == 0 {
		p = Example()
	} else {
		p = Generate(Options{Dwellings: n, Seed: int64(seed)})
	}
	if err := model.Validate(p); err != nil {
		t.Fatal(err)
	}
	prof := 0
	for _, h := range p.Households {
		if len(h.Profiles) > 0 {
			prof++
			fmt.Println(h.ID, h.Profiles)
		}
	}
	fmt.Printf("%s..%s buildings %d stairs %d dwellings %d households %d profiled %d crews %d pilots %d deliveries %d relocs %d ivs %d\n",
		p.Operation.Start, p.Operation.End, len(p.Buildings), len(p.StairwellIDs()), len(p.Dwellings), len(p.Households), prof, len(p.Crews), len(p.Pilots), len(p.Deliveries), len(p.Relocations), len(p.Interventions))
	for _, c := range p.Crews {
		fmt.Println(c.ID, c.Contractor, c.Size, len(c.Calendar), c.Unavailable)
	}
	fmt.Println(p.Deliveries, p.Relocations)
	start := time.Now()
	wl, _ := strconv.Atoi(os.Getenv("WL"))
	res, err := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: max(wl, 2), Workers: 1, TimeLimit: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	fmt.Println("solve", time.Since(start), res.Status, "makespan", res.Makespan, "unplaced", len(res.Plan.Unplaced), "viol", len(res.Violations), res.FirstFeasible)
	for i, u := range res.Plan.Unplaced {
		if i < 10 {
			fmt.Println(u.Intervention, u.Reasons)
		}
	}
	v := scheduler.Verify(p, res.Plan)
	for i, x := range v {
		if i < 10 {
			fmt.Println(x)
		}
	}
	var b = new(os.File)
	_ = b
	scheduler.Summarize(p, res.Plan).WriteText(os.Stdout)
}

func TestScratchDw(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("N"))
	seed, _ := strconv.Atoi(os.Getenv("SEED"))
	p := Generate(Options{Dwellings: n, Seed: int64(seed)})
	x := model.NewIndex(p)
	d := x.Dwellings[os.Getenv("DW")]
	fmt.Printf("%+v\n", *d)
	if h := x.Households[d.Household]; h != nil {
		fmt.Printf("%+v\n", *h)
	}
	res, _ := scheduler.Solve(context.Background(), p, &scheduler.Settings{WorkLimit: 2, Workers: 1})
	for _, a := range res.Plan.Assignments {
		if x.Interventions[a.Intervention].Dwelling == d.ID {
			fmt.Println(a.Intervention, a.Crew, a.Pilot, a.Start, a.End, len(a.Segments))
		}
	}
}
