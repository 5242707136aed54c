// Command exposure asks the sample design (package sample: internet → web
// tier behind an AWS Network Firewall → app tier → database) three set
// questions, each answered exactly from the filters' rules, without
// trying every port or address:
//
//  1. the audit: which risky services (SSH, RDP, databases...) a security
//     group opens to internet addresses, and whether the internet really
//     reaches them through every layer; on the sample, web-1's group opens
//     SSH to an office block, and the firewall closes it;
//
//  2. which ports of web-1 an internet host reaches (only HTTPS), and
//     which hop cuts the others;
//
//  3. who reaches db-1 on postgresql: nobody from the usual client ports,
//     because the database subnet's network ACL returns replies to ports
//     1024-32767 only; app-1 from a client port in that range.
//
//     go run ./examples/exposure
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sample"
)

// answers are the example's answers, for its test.
type answers struct {
	audit     *reach.AuditResult
	web       *reach.PortsResult
	db, dbLow *reach.SourcesResult
}

// design builds the design the questions are put to: the sample.
func design() (*reach.Model, error) {
	return sample.ThreeTier().Build()
}

// run asks the questions and writes the answers to w.
func run(w io.Writer) (*answers, error) {
	m, err := design()
	if err != nil {
		return nil, err
	}
	var a answers

	// 1. Every interface against the catalogue of risky services
	// (reach.RiskyServices); interfaces that no filter tells apart are
	// answered once.
	if a.audit, err = m.Audit(reach.AuditOptions{}); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "=== 1. what the internet reaches that it should not\n%s\n", a.audit.Text())

	// 2. Every destination port of web-1 an internet host reaches, round
	// trip, per client-port range, and the hops that cut the rest.
	if a.web, err = m.Ports(reach.PortsQuery{From: "198.51.100.7", To: "web-1", Protocol: flow.TCP}); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "=== 2. the ports of web-1 an internet host reaches\n%s\n", a.web)

	// 3. Who reaches db-1 on postgresql (a service name reads as its port):
	// the interfaces of the design, and the internet as CIDR blocks. From
	// the default client port (50000) nobody does; from 30000, app-1.
	port, err := flow.ParsePort("postgresql")
	if err != nil {
		return nil, err
	}
	q := reach.SourcesQuery{To: "db-1", Protocol: flow.TCP, Port: port}
	if a.db, err = m.Sources(q); err != nil {
		return nil, err
	}
	q.SrcPort = 30000
	if a.dbLow, err = m.Sources(q); err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "=== 3. who reaches db-1 on postgresql\nfrom client port %d:\n%s\nfrom client port %d:\n%s",
		reach.DefaultSourcePort, a.db, q.SrcPort, a.dbLow)
	return &a, nil
}

func main() {
	if _, err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "exposure:", err)
		os.Exit(1)
	}
}
