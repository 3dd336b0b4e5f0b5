package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// jsInstance is one of Taillard's job-shop instances: its size, its two seeds
// (processing times, machine orders) and what is known of its optimum.
type jsInstance struct {
	jobs, machines        int
	timeSeed, machineSeed int32
	lb, best              int
}

// jobShops are Taillard's (1993) job-shop instances ta01-ta80, with the seeds
// his paper publishes and the bounds of the table of best-known values kept by
// ScheduleOpt/benchmarks (jobshop/solutions/bks.json, 2026): lb = best the
// optimum is known to be at least; best = the best makespan known (the optimum
// when lb = best).
var jobShops = []jsInstance{
	{15, 15, 840612802, 398197754, 1231, 1231}, {15, 15, 1314640371, 386720536, 1244, 1244},
	{15, 15, 1227221349, 316176388, 1218, 1218}, {15, 15, 342269428, 1806358582, 1175, 1175},
	{15, 15, 1603221416, 1501949241, 1224, 1224}, {15, 15, 1357584978, 1734077082, 1238, 1238},
	{15, 15, 44531661, 1374316395, 1227, 1227}, {15, 15, 302545136, 2092186050, 1217, 1217},
	{15, 15, 1153780144, 1393392374, 1274, 1274}, {15, 15, 73896786, 1544979948, 1241, 1241},
	{20, 15, 533484900, 317419073, 1357, 1357}, {20, 15, 1894307698, 1474268163, 1367, 1367},
	{20, 15, 874340513, 509669280, 1342, 1342}, {20, 15, 1124986343, 1209573668, 1345, 1345},
	{20, 15, 1463788335, 529048107, 1339, 1339}, {20, 15, 1056908795, 25321885, 1360, 1360},
	{20, 15, 195672285, 1717580117, 1462, 1462}, {20, 15, 961965583, 1353003786, 1396, 1396},
	{20, 15, 1610169733, 1734469503, 1332, 1332}, {20, 15, 532794656, 998486810, 1348, 1348},
	{20, 20, 1035939303, 773961798, 1642, 1642}, {20, 20, 5997802, 1872541150, 1600, 1600},
	{20, 20, 1357503601, 722225039, 1557, 1557}, {20, 20, 806159563, 1166962073, 1644, 1644},
	{20, 20, 1902815253, 1879990068, 1595, 1595}, {20, 20, 1503184031, 1850351876, 1643, 1643},
	{20, 20, 1032645967, 99711329, 1680, 1680}, {20, 20, 229894219, 1158117804, 1603, 1603},
	{20, 20, 823349822, 108033225, 1625, 1625}, {20, 20, 1297900341, 489486403, 1562, 1584},
	{30, 15, 98640593, 1981283465, 1764, 1764}, {30, 15, 1839268120, 248890888, 1774, 1783},
	{30, 15, 573875290, 2081512253, 1791, 1791}, {30, 15, 1670898570, 788294565, 1828, 1828},
	{30, 15, 1118914567, 1074349202, 2007, 2007}, {30, 15, 178750207, 294279708, 1819, 1819},
	{30, 15, 1549372605, 596993084, 1771, 1771}, {30, 15, 798174738, 151685779, 1673, 1673},
	{30, 15, 553410952, 1329272528, 1795, 1795}, {30, 15, 1661531649, 1173386294, 1658, 1669},
	{30, 20, 1841414609, 1357882888, 1926, 2005}, {30, 20, 2116959593, 1546338557, 1900, 1937},
	{30, 20, 796392706, 1230864158, 1809, 1846}, {30, 20, 532496463, 254174057, 1961, 1978},
	{30, 20, 2020525633, 978943053, 1997, 1997}, {30, 20, 524444252, 185526083, 1976, 2002},
	{30, 20, 1569394691, 487269855, 1827, 1889}, {30, 20, 1460267840, 1631446539, 1921, 1937},
	{30, 20, 198324822, 1937476577, 1938, 1960}, {30, 20, 38071822, 1541985579, 1848, 1923},
	{50, 15, 17271, 718939, 2760, 2760}, {50, 15, 660481279, 449650254, 2756, 2756},
	{50, 15, 352229765, 949737911, 2717, 2717}, {50, 15, 1197518780, 166840558, 2839, 2839},
	{50, 15, 1376020303, 483922052, 2679, 2679}, {50, 15, 2106639239, 955932362, 2781, 2781},
	{50, 15, 1765352082, 1209982549, 2943, 2943}, {50, 15, 1105092880, 1349003108, 2885, 2885},
	{50, 15, 907248070, 919544535, 2655, 2655}, {50, 15, 2011630757, 1845447001, 2723, 2723},
	{50, 20, 8493988, 2738939, 2868, 2868}, {50, 20, 1991925010, 709517751, 2869, 2869},
	{50, 20, 342093237, 786960785, 2755, 2755}, {50, 20, 1634043183, 973178279, 2702, 2702},
	{50, 20, 341706507, 286513148, 2725, 2725}, {50, 20, 320167954, 1411193018, 2845, 2845},
	{50, 20, 1089696753, 298068750, 2825, 2825}, {50, 20, 433032965, 1589656152, 2784, 2784},
	{50, 20, 615974477, 331205412, 3071, 3071}, {50, 20, 236150141, 592292984, 2995, 2995},
	{100, 20, 302034063, 1203569070, 5464, 5464}, {100, 20, 1437643198, 1692025209, 5181, 5181},
	{100, 20, 1792475497, 1039908559, 5568, 5568}, {100, 20, 1647273132, 1012841433, 5339, 5339},
	{100, 20, 696480901, 1689682358, 5392, 5392}, {100, 20, 1785569423, 1092647459, 5342, 5342},
	{100, 20, 117806902, 739059626, 5436, 5436}, {100, 20, 1639154709, 1319962509, 5394, 5394},
	{100, 20, 2007423389, 749368241, 5358, 5358}, {100, 20, 682761130, 262763021, 5183, 5183},
}

// unif is Taillard's generator: a Lehmer generator (16807, 2^31-1) by Schrage's
// method, drawing an integer uniform in lo..hi.
func unif(seed *int64, lo, hi int) int {
	const a, b, c, m = 16807, 127773, 2836, 2147483647
	k := *seed / b
	*seed = a*(*seed%b) - k*c
	if *seed < 0 {
		*seed += m
	}
	return lo + int(float64(*seed)/m*float64(hi-lo+1))
}

// jobShop draws an instance as Taillard describes it: the processing times job
// by job, operation by operation, uniform in 1..99 from the time seed; then each
// job's machine order starts as 0, 1, ..., m-1 and, for each position i in turn,
// swaps its machine with the one at a position drawn uniform in i..m-1 from the
// machine seed.
func jobShop(in jsInstance) (times, machines [][]int) {
	ts, ms := int64(in.timeSeed), int64(in.machineSeed)
	times = make([][]int, in.jobs)
	machines = make([][]int, in.jobs)
	for j := range times {
		times[j] = make([]int, in.machines)
		for i := range times[j] {
			times[j][i] = unif(&ts, 1, 99)
		}
	}
	for j := range machines {
		machines[j] = make([]int, in.machines)
		for i := range machines[j] {
			machines[j][i] = i
		}
	}
	for j := range machines {
		for i := range machines[j] {
			k := unif(&ms, i, in.machines-1)
			machines[j][i], machines[j][k] = machines[j][k], machines[j][i]
		}
	}
	return times, machines
}

// jobShopFile is the instance in the OR-Library format the job-shop loader reads.
func jobShopFile(name string, in jsInstance) string {
	times, machines := jobShop(in)
	var sb strings.Builder
	fmt.Fprintf(&sb, "# %s: Taillard (1993) job shop %d x %d, time seed %d, machine seed %d\n", name, in.jobs, in.machines, in.timeSeed, in.machineSeed)
	fmt.Fprintf(&sb, "%d %d\n", in.jobs, in.machines)
	for j := range times {
		for i := range times[j] {
			if i > 0 {
				sb.WriteByte(' ')
			}
			fmt.Fprintf(&sb, "%2d %2d", machines[j][i], times[j][i])
		}
		sb.WriteByte('\n')
	}
	return sb.String()
}

// writeJobShops writes ta01 ... ta80 and their bounds.csv into dir.
func writeJobShops(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bounds := "instance,jobs,machines,lb,ub,status\n"
	for k, in := range jobShops {
		name := fmt.Sprintf("ta%02d", k+1)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(jobShopFile(name, in)), 0o644); err != nil {
			return err
		}
		status := "open"
		if in.lb == in.best {
			status = "optimal"
		}
		bounds += fmt.Sprintf("%s,%d,%d,%d,%d,%s\n", name, in.jobs, in.machines, in.lb, in.best, status)
	}
	return os.WriteFile(filepath.Join(dir, "bounds.csv"), []byte(bounds), 0o644)
}
