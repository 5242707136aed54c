package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/reachsim/reachsim/reach"
)

// matrixUsage is the help of reachsim matrix. TestSetUsagesNameEveryFlag
// keeps it in step with the flags matrixFlags defines.
var matrixUsage = `Usage:
  reachsim matrix [--aws PATH]... [--csv | --json] [--ipv6] [--no-internet]

Print every ordered pair of interfaces, and the internet as one more node,
with what their sessions carry, round trip, from the default client port
` + fmt.Sprint(reach.DefaultSourcePort) + `: the exact tcp and udp destination ports, ICMP types and codes,
and other protocols. Interfaces that no route, filter or gateway can tell
apart are one class (C1, C2...), answered once: the text lists the classes
and their members, then one line a pair of classes that carries something
("C1 -> C2: tcp 8080"; a class to itself is between two of its members),
with what the input leaves open after "indeterminate:". A pair not listed
carries nothing.

Flags:
` + inputUsage + `  --csv               print one CSV table (RFC 4180), one row a pair:
                      from,to,tcp,udp,icmp,other,indeterminate,from_members,to_members,notes
                      (the members of each class, separated by "; ", a ";"
                      in a name written \x3b; notes: what the cells leave
                      out, one a line, on every row)
  --json              print one JSON object: "classes" and "cells"; see the
                      README, "Set questions"
  --ipv6              use the interfaces' IPv6 addresses (interfaces without
                      one are left out)
  --no-internet       leave the internet node out
  -h, --help          print this help

Exit status: 0 when the matrix is printed (whatever it holds), 2 for bad
usage or bad input.

Examples:
  reachsim matrix --demo
  reachsim matrix --aws dump/ --csv > matrix.csv
  reachsim matrix --aws dump/ --json --no-internet
`

// matrixOptions are the parsed flags of reachsim matrix.
type matrixOptions struct {
	commonOptions
	csv, ipv6, noInternet bool
}

// matrixFlags defines the flags of reachsim matrix on a new flag set.
func matrixFlags(o *matrixOptions) *flag.FlagSet {
	fs := newFlagSet("reachsim matrix")
	o.define(fs)
	fs.BoolVar(&o.csv, "csv", false, "print CSV")
	fs.BoolVar(&o.ipv6, "ipv6", false, "use IPv6 addresses")
	fs.BoolVar(&o.noInternet, "no-internet", false, "leave the internet out")
	once(fs, &o.twice)
	return fs
}

// runMatrix is reachsim matrix.
func runMatrix(args []string, stdout, stderr io.Writer) int {
	const me = "reachsim matrix"
	var o matrixOptions
	fs := matrixFlags(&o)
	if code, ok := o.parse(me, matrixUsage, fs, args, stdout, stderr); !ok {
		return code
	}
	if o.csv && o.json {
		return fail(stderr, me, "--csv and --json exclude each other")
	}
	m, err := o.loadModel(stderr)
	if err != nil {
		return failLines(stderr, me, err)
	}
	p := startProgress(stderr, "computing the matrix") // shown after a second, on a terminal only
	mx, err := m.Matrix(reach.MatrixOptions{IPv6: o.ipv6, NoInternet: o.noInternet})
	p.end()
	if err != nil {
		return fail(stderr, me, "%v", err)
	}
	if o.csv {
		if err := mx.CSV(stdout); err != nil {
			return fail(stderr, me, "%v", err)
		}
		return exitReachable
	}
	if !o.printText(stdout, me, mx, mx.Text, stderr) {
		return exitUsage
	}
	return exitReachable
}
