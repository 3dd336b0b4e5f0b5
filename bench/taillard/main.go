// Command taillard writes Taillard's (1993) permutation flow-shop instances Ta001
// to Ta120 (20 to 500 jobs) from the generator and the seeds his paper publishes,
// with a bounds file of their best-known makespans, so that the flow-shop
// benchmark can be run on more than the instances the project bundles:
//
//	go run ./bench/taillard --out /tmp/taillard
//	go run ./cmd/rehabplan bench --family flowshop --time-limit 10s \
//	    --bounds /tmp/taillard/bounds.csv /tmp/taillard/Ta0*.txt
//
// (Ta061 to Ta120, the 100- to 500-job instances: /tmp/taillard/Ta06[1-9].txt
// /tmp/taillard/Ta0[7-9]?.txt /tmp/taillard/Ta1??.txt.)
//
// The files are in the format of the bundled Ta001.txt (the header line, then one
// line of processing times per machine).
//
// With --jobshop it writes Taillard's job-shop instances ta01 to ta80 instead (15
// x 15 to 100 x 20), in the OR-Library format of the bundled ft06, with a bounds
// file of their best-known makespans:
//
//	go run ./bench/taillard --jobshop --out /tmp/tajs
//	go run ./cmd/rehabplan bench --family jobshop --time-limit 10s \
//	    --bounds /tmp/tajs/bounds.csv /tmp/tajs/ta2?
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// instance is one of Taillard's instances: its size, its seed and its best-known
// makespan (the upper bounds in the headers of the published files, see
// bench/testdata/public/SOURCES.md; many of the larger ones are not proven optimal).
type instance struct {
	jobs, machines int
	seed           int64
	best           int
}

var instances = func() []instance {
	seeds := [][]int64{
		{873654221, 379008056, 1866992158, 216771124, 495070989, 402959317, 1369363414, 2021925980, 573109518, 88325120},
		{587595453, 1401007982, 873136276, 268827376, 1634173168, 691823909, 73807235, 1273398721, 2065119309, 1672900551},
		{479340445, 268827376, 1958948863, 918272953, 555010963, 2010851491, 1519833303, 1748670931, 1923497586, 1829909967},
		{1328042058, 200382020, 496319842, 1203030903, 1730708564, 450926852, 1303135678, 1273398721, 587288402, 248421594},
		{1958948863, 575633267, 655816003, 1977864101, 93805469, 1803345551, 49612559, 1899802599, 2013025619, 578962478},
		{1539989115, 691823909, 655816003, 1315102446, 1949668355, 1923497586, 1805594913, 1861070898, 715643788, 464843328},
		{896678084, 1179439976, 1122278347, 416756875, 267829958, 1835213917, 1328833962, 1418570761, 161033112, 304212574},
		{1539989115, 655816003, 960914243, 1915696806, 2013025619, 1168140026, 1923497586, 167698528, 1528387973, 993794175},
		{450926852, 1462772409, 1021685265, 83696007, 508154254, 1861070898, 26482542, 444956424, 2115448041, 118254244},
		{471503978, 1215892992, 135346136, 1602504050, 160037322, 551454346, 519485142, 383947510, 1968171878, 540872513},
		{2013025619, 475051709, 914834335, 810642687, 1019331795, 2056065863, 1342855162, 1325809384, 1988803007, 765656702},
		{1368624604, 450181436, 1927888393, 1759567256, 606425239, 19268348, 1298201670, 2041736264, 379756761, 28837162},
	}
	best := [][]int{
		{1278, 1359, 1081, 1293, 1235, 1195, 1234, 1206, 1230, 1108},
		{1582, 1659, 1496, 1377, 1419, 1397, 1484, 1538, 1593, 1591},
		{2297, 2099, 2326, 2223, 2291, 2226, 2273, 2200, 2237, 2178},
		{2724, 2834, 2621, 2751, 2863, 2829, 2725, 2683, 2552, 2782},
		{2991, 2867, 2839, 3063, 2976, 3006, 3093, 3037, 2897, 3065},
		{3846, 3699, 3640, 3719, 3610, 3679, 3704, 3691, 3741, 3755},
		{5493, 5268, 5175, 5014, 5250, 5135, 5246, 5094, 5448, 5322},
		{5770, 5349, 5676, 5781, 5467, 5303, 5595, 5617, 5871, 5845},
		{6134, 6183, 6252, 6254, 6270, 6311, 6223, 6367, 6246, 6404},
		{10862, 10480, 10922, 10889, 10524, 10329, 10854, 10730, 10438, 10675},
		// Ta108: the published files and tables give 1131, below Taillard's own
		// lower bound of the instance (11126): a digit lost, 11310
		{11158, 11160, 11281, 11275, 11259, 11176, 11337, 11310, 11146, 11284},
		{26040, 26500, 26371, 26456, 26334, 26469, 26389, 26560, 26005, 26457},
	}
	sizes := [][2]int{{20, 5}, {20, 10}, {20, 20}, {50, 5}, {50, 10}, {50, 20}, {100, 5}, {100, 10}, {100, 20}, {200, 10}, {200, 20}, {500, 20}}
	var out []instance
	for g, sz := range sizes {
		for k := range seeds[g] {
			out = append(out, instance{sz[0], sz[1], seeds[g][k], best[g][k]})
		}
	}
	return out
}()

// times draws the processing times, machine by machine, job by job, with
// Taillard's generator: a Lehmer generator (16807, 2^31-1) by Schrage's method,
// each time uniform in 1..99.
func times(seed int64, jobs, machines int) [][]int {
	const a, b, c, m = 16807, 127773, 2836, 2147483647
	unif := func(lo, hi int) int {
		k := seed / b
		seed = a*(seed%b) - k*c
		if seed < 0 {
			seed += m
		}
		return lo + int(float64(seed)/m*float64(hi-lo+1))
	}
	p := make([][]int, machines)
	for i := range p {
		p[i] = make([]int, jobs)
		for j := range p[i] {
			p[i][j] = unif(1, 99)
		}
	}
	return p
}

// lowerBound is Taillard's simple bound: the longest job, or a machine's load
// with the shortest head before it and the shortest tail after it.
func lowerBound(p [][]int) int {
	m, n := len(p), len(p[0])
	lb := 0
	for j := 0; j < n; j++ {
		s := 0
		for i := 0; i < m; i++ {
			s += p[i][j]
		}
		lb = max(lb, s)
	}
	for i := 0; i < m; i++ {
		head, tail, load := -1, -1, 0
		for j := 0; j < n; j++ {
			h, t := 0, 0
			for q := 0; q < i; q++ {
				h += p[q][j]
			}
			for q := i + 1; q < m; q++ {
				t += p[q][j]
			}
			if head < 0 || h < head {
				head = h
			}
			if tail < 0 || t < tail {
				tail = t
			}
			load += p[i][j]
		}
		lb = max(lb, head+load+tail)
	}
	return lb
}

// file is the instance in the bundled format.
func file(in instance) (string, int) {
	p := times(in.seed, in.jobs, in.machines)
	lb := lowerBound(p)
	var sb strings.Builder
	fmt.Fprintf(&sb, "%12d%12d%12d%12d%12d\n", in.jobs, in.machines, in.seed, in.best, lb)
	for _, row := range p {
		for _, x := range row {
			fmt.Fprintf(&sb, "%3d", x)
		}
		sb.WriteByte('\n')
	}
	return sb.String(), lb
}

func main() {
	out := flag.String("out", "", "directory to write Ta001.txt ... Ta120.txt and bounds.csv into")
	js := flag.Bool("jobshop", false, "write the job-shop instances ta01 ... ta80 and their bounds.csv instead")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: taillard [--jobshop] --out DIR")
		os.Exit(2)
	}
	w := write
	if *js {
		w = writeJobShops
	}
	if err := w(*out); err != nil {
		fmt.Fprintln(os.Stderr, "taillard:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	bounds := "instance,jobs,machines,seed,lb_taillard1993_trivial,ub_best_known\n"
	for k, in := range instances {
		name := fmt.Sprintf("Ta%03d", k+1)
		text, lb := file(in)
		if err := os.WriteFile(filepath.Join(dir, name+".txt"), []byte(text), 0o644); err != nil {
			return err
		}
		bounds += fmt.Sprintf("%s,%d,%d,%d,%d,%d\n", name, in.jobs, in.machines, in.seed, lb, in.best)
	}
	return os.WriteFile(filepath.Join(dir, "bounds.csv"), []byte(bounds), 0o644)
}
