package aws_test

import (
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"testing"

	"github.com/reachsim/reachsim/aws"
)

func live() float64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return float64(ms.HeapAlloc) / 1e6
}

func TestZZProbe(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	d := newBenchDump(20000)
	dir := t.TempDir()
	d.write(t, dir)
	size := d.size()
	d = benchDump{}
	base := live()
	fmt.Printf("input %.1f MB base %.1f\n", float64(size)/1e6, base)
	m, _, err := aws.LoadWith(aws.Options{Progress: func(done, total int) {
		fmt.Printf("file %d/%d live %.1f\n", done, total, live()-base)
	}}, dir)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("model live %.1f\n", live()-base)
	runtime.KeepAlive(m)
}

func TestZZHeap(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	d := newBenchDump(20000)
	dir := t.TempDir()
	d.write(t, dir)
	d = benchDump{}
	runtime.GC()
	runtime.MemProfileRate = 4096
	m, _, err := aws.LoadWith(aws.Options{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	f, _ := os.Create("/tmp/zzheap.prof")
	pprof.WriteHeapProfile(f)
	f.Close()
	runtime.KeepAlive(m)
}

func TestZZTrace(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	d := newBenchDump(20000)
	dir := t.TempDir()
	d.write(t, dir)
	d = benchDump{}
	runtime.GC()
	fmt.Fprintln(os.Stderr, "=== load start")
	m, _, err := aws.LoadWith(aws.Options{Progress: func(done, total int) { fmt.Fprintln(os.Stderr, "=== file", done) }}, dir)
	fmt.Fprintln(os.Stderr, "=== load end")
	if err != nil {
		t.Fatal(err)
	}
	runtime.KeepAlive(m)
}

func TestZZBase(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	runtime.MemProfileRate = 4096
	d := newBenchDump(20000)
	dir := t.TempDir()
	d.write(t, dir)
	d = benchDump{}
	runtime.GC()
	runtime.GC()
	fmt.Println("live", live())
	f, _ := os.Create("/tmp/zzbase.prof")
	pprof.WriteHeapProfile(f)
	f.Close()
}

func TestZZSizes(t *testing.T) {
	if os.Getenv("ZZ") == "" {
		t.Skip()
	}
	d := newBenchDump(20000)
	for k, v := range d.files {
		fmt.Println(k, len(v)/1000000)
	}
}

func TestZZWrite(t *testing.T) {
	if os.Getenv("ZZW") == "" {
		t.Skip()
	}
	os.MkdirAll(os.Getenv("ZZW"), 0o755)
	newBenchDump(atoi(os.Getenv("ZZN"))).write(t, os.Getenv("ZZW"))
}

func atoi(s string) int { n := 0; fmt.Sscan(s, &n); return n }
