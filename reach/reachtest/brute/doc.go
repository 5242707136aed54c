// Package brute checks the set answers of a [reach.Model] against brute
// force: [reach.Model.Ports], [reach.Model.Sources], [reach.Model.Matrix]
// and [reach.Model.Audit], each against a [reach.Model.Verdict] per value
// they speak for — per destination port (or ICMP type and code), per
// source interface and internet address, per session between members of
// two classes — and the audit against Sources.
//
// [CheckSetAnswers] runs every check on one design, for the pairs and
// destinations its [Options] name; a user can run it on their own design:
//
//	func TestSetAnswers(t *testing.T) {
//		m := buildDesign(t)
//		brute.CheckSetAnswers(t, m, brute.Options{
//			Ports:   []reach.PortsQuery{{From: "203.0.113.9", To: "web-1", Protocol: flow.TCP}},
//			Sources: []reach.SourcesQuery{{To: "db-1", Protocol: flow.TCP, Port: 5432}},
//		})
//	}
//
// The Check… functions are its parts, for tests that build their own
// answers (the randomized tests of package reach use them). A
// disagreement fails the test (FailNow) with the query, the value, what
// Verdict says and what the set answer says.
//
// What "brute force" tries: every port of the first pair's port range
// (or every Options.Step-th, plus every edge of the answer's sets and
// its neighbours), every interface as a source (for a Sources question
// from every client port, [reach.SourcesQuery].AnyClientPort, the best
// Verdict over the client ports of [SourcesClientPorts]), internet addresses at the
// edges of the answer's blocks, beside the design's public addresses, at
// the edges of the design's routes, prefix lists and unmodelled blocks
// (for the matrix: [RouteAddrs]) and at random (an internet address is a global unicast one, not private,
// not shared 100.64.0.0/10, in no other block IANA marks not globally
// reachable and not held by the design: [InternetHost]),
// and for the matrix, sessions at the edges of each cell's sets, ICMP
// codes 0-5 of types filters commonly name and of random ones, the ends of
// each cell's ICMP code runs, and other protocols, between every ordered
// pair of members of the two classes (past 64 pairs, each member of
// either class with a random member of the other), and a cell with the
// internet both ways: what gets through must be in it, and what it holds
// must get through to (or from) some internet address ([CheckMatrix]).
// Options.Few checks fewer values; a test built with the race detector
// always does, and [CheckMatrix] there checks a quarter of each cell's
// member pairs (past 16), members (past 4) and ports (15 a protocol
// beside every edge), so that the slow race runs stay short.
package brute
