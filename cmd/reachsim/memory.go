package main

import (
	"os"
	"path/filepath"
	"strings"
)

// inputSize is the size in bytes of the files a load of paths reads, as
// aws.Load chooses them: a path that is a file, a directory's *.json
// entries (not its subdirectories). What cannot be read counts nothing:
// the load reports it. The load runs under a soft memory limit of twice
// this above what the process holds (internal/memlimit), unless
// GOMEMLIMIT is set ("off" included): the collector's default pace would let garbage take
// the heap to about twice the live data, which peaks near the input's
// size.
func inputSize(paths []string) int64 {
	var n int64
	add := func(info os.FileInfo) {
		if info.Mode().IsRegular() && info.Size() > 0 {
			n += info.Size()
		}
	}
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			continue
		}
		if !info.IsDir() {
			add(info)
			continue
		}
		entries, err := os.ReadDir(p)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if !strings.EqualFold(filepath.Ext(e.Name()), ".json") {
				continue
			}
			if info, err := os.Stat(filepath.Join(p, e.Name())); err == nil {
				add(info)
			}
		}
	}
	return n
}
