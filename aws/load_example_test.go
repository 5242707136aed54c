package aws_test

import (
	"errors"
	"fmt"

	"github.com/reachsim/reachsim/aws"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

func ExampleLoadFS() {
	// sample.AWSDump holds describe-* output of the sample three-tier
	// design; aws.Load("dump/") reads a directory of your own.
	m, rep, err := aws.LoadFS(sample.AWSDump, "aws")
	if err != nil {
		panic(err)
	}
	fmt.Println(len(rep.Files), "files:", rep.Counts["network-interfaces"], "interfaces,",
		rep.Counts["security-groups"], "security groups,", rep.Counts["routes"], "routes,", len(rep.Warnings), "warnings")
	r, err := m.Check(reach.Query{From: "app-1", To: "db-1", Protocol: flow.TCP, Port: 5432})
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Flow, "reachable:", r.Reachable)
	for _, b := range r.Blocks {
		fmt.Printf("  %s at %s %s: %s\n", b.Code, b.Kind, b.ID, b.Fix)
	}
	// Output:
	// 13 files: 3 interfaces, 3 security groups, 15 routes, 0 warnings
	// tcp 10.0.2.20:50000 -> 10.0.3.30:5432 reachable: false
	//   RETURN_ACL_DEFAULT_DENY at network-acl acl-db: add an outbound allow entry to acl-db for tcp 1024-65535 (replies go to the client's ephemeral port, here 50000) to 10.0.2.20/32
}

func ExampleLoadFSWith() {
	// A limit per file: a larger file is an error, read no further than
	// one byte past the limit. aws.LoadWith does the same on the OS file
	// system: aws.LoadWith(aws.Options{MaxFileSize: 64 << 20}, "dump/").
	_, _, err := aws.LoadFSWith(sample.AWSDump, aws.Options{MaxFileSize: 1 << 10}, "aws/security-groups.json")
	fmt.Println(errors.Is(err, aws.ErrFileTooLarge))
	fmt.Println(err)
	// Output:
	// true
	// aws/security-groups.json: file too large: the file is 5284 bytes (5.1 KiB), more than the limit of 1 KiB (raise it with --max-file-size, or aws.Options.MaxFileSize)
}
