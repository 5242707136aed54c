package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/internal/textsafe"
	"github.com/reachsim/reachsim/reach"
)

// stdin is what --queries - reads: the standard input (tests replace it).
var stdin io.Reader = os.Stdin

// maxQueryLine is the longest line of a --queries file, in bytes without
// its line break. A longer line is a bad line, skipped to its end without
// being held in memory.
const maxQueryLine = 64 << 10

// maxSkippedLine is how far a long line is read past its start, looking
// for its end, before the input is taken for no file of queries at all
// (/dev/zero, a binary): reading stops there with an error, instead of
// dropping bytes forever.
const maxSkippedLine = 16 << 20

// queryFlags defines the flags of one line of a --queries file, the query
// flags of reachsim check and no other, on a new flag set.
func queryFlags(q *queryOptions, twice *string) *flag.FlagSet {
	fs := newFlagSet("query")
	q.define(fs)
	once(fs, twice)
	return fs
}

// parseQuery reads one query written as the flags of reachsim check
// (--from, --to, --proto, --port, ...), as a line of a --queries file
// holds it. The flags that choose the input or the output (--aws, --demo,
// --max-file-size, --queries, --json) are the command line's, not a
// line's: here they are errors, as is -h.
func parseQuery(args []string) (reach.Query, error) {
	var q queryOptions
	var twice string
	err := parseFlags(queryFlags(&q, &twice), args, &twice)
	var unknown *unknownFlagError
	switch {
	case errors.Is(err, flag.ErrHelp):
		return reach.Query{}, errors.New("-h and --help ask for help, not a query: run 'reachsim check --help'")
	case errors.As(err, &unknown) && checkFlags(&checkOptions{}).Lookup(unknown.name) != nil:
		return reach.Query{}, fmt.Errorf("--%s belongs on the command line, not on a line of --queries (a line holds one query's flags: --from, --to, --proto, --port, ...)", unknown.name)
	case err != nil:
		return reach.Query{}, err
	}
	return q.query()
}

// runQueries is reachsim check --queries FILE: it loads the model once,
// then reads the queries one line at a time and answers each as it is
// read, one line of text or one JSON object per query, so that a pipe is
// answered as it flows. A bad line (one that does not parse, or a query
// the model cannot answer) is reported on stderr with its line number and
// text, and the lines after it are still answered. The exit status is 2
// when any line was bad (or none held a query), else 1 when any query is
// not reachable, else 3 when any is indeterminate, else 0.
func runQueries(fs *flag.FlagSet, o *checkOptions, stdout, stderr io.Writer) int {
	const me = "reachsim check"
	var given []string
	qfs := queryFlags(&queryOptions{}, new(string))
	fs.Visit(func(f *flag.Flag) {
		if qfs.Lookup(f.Name) != nil {
			given = append(given, "--"+f.Name)
		}
	})
	if len(given) > 0 {
		return fail(stderr, me, "--queries reads every query from its lines: %s on the command line as well is ambiguous (put it on each line)", strings.Join(given, ", "))
	}
	name, in := o.queries, stdin
	switch name {
	case "":
		return fail(stderr, me, "--queries needs a file, or - for standard input")
	case "-":
		name = "stdin"
	default:
		f, err := os.Open(o.queries)
		if err != nil {
			return fail(stderr, me, "--queries: %v", err)
		}
		defer f.Close()
		in = f
	}
	m, err := o.loadModel(stderr)
	if err != nil {
		return failLines(stderr, me, err)
	}
	return answerQueries(m, in, name, o.json, stdout, stderr)
}

// answerQueries answers the queries in, one a line, on m, each as it is
// read (see runQueries); name names in in errors.
func answerQueries(m *reach.Model, in io.Reader, name string, asJSON bool, stdout, stderr io.Writer) int {
	const me = "reachsim check"
	var bad, unreachable, indeterminate bool
	queries := 0
	var r reach.Result // each answer is written before the next is asked: one Result serves them all
	sc := newLineScanner(in)
	for sc.Scan() {
		n, text := sc.number, sc.Text()
		badLine := func(err error) {
			bad = true
			fmt.Fprintf(stderr, "%s: %s:%d: %s (the line: %s)\n", me, textsafe.String(name), n,
				boundWords(textsafe.String(err.Error())), textsafe.String(excerpt(text)))
		}
		if sc.long {
			badLine(fmt.Errorf("a line longer than %d bytes", maxQueryLine))
			continue
		}
		if t := strings.TrimSpace(text); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		queries++
		q, err := answer(m, text, &r)
		if err != nil {
			badLine(err)
			continue
		}
		if err := writeAnswer(stdout, n, q, &r, asJSON); err != nil {
			return fail(stderr, me, "writing the answer to line %d: %v", n, err)
		}
		switch r.Outcome {
		case reach.Indeterminate:
			indeterminate = true
		case reach.Unreachable:
			unreachable = true
		}
	}
	if err := sc.Err(); err != nil {
		return fail(stderr, me, "reading %s: %v", name, err)
	}
	switch {
	case bad:
		return exitUsage
	case queries == 0:
		return fail(stderr, me, "%s holds no query (only blank lines and # comments)", name)
	case unreachable:
		return exitNotReachable
	case indeterminate:
		return exitIndeterminate
	}
	return exitReachable
}

// answer splits a line into its flags, reads the query and checks it,
// into r.
func answer(m *reach.Model, line string, r *reach.Result) (reach.Query, error) {
	args, err := splitWords(line)
	if err != nil {
		return reach.Query{}, err
	}
	q, err := parseQuery(args)
	if err != nil {
		return q, err
	}
	return q, m.CheckInto(q, r)
}

// writeAnswer writes the answer to the query on line n: one line of text
// (see compact), or with asJSON the object check --json prints, compact
// on one line, with "line": n first.
func writeAnswer(w io.Writer, n int, q reach.Query, r *reach.Result, asJSON bool) error {
	if !asJSON {
		_, err := io.WriteString(w, compact(n, q, r)+"\n")
		return err
	}
	b, err := r.JSON()
	if err != nil {
		return err
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return err
	}
	obj := out.Bytes()
	if len(obj) < 2 || obj[0] != '{' {
		return fmt.Errorf("the result's JSON is not an object: %.20q", obj)
	}
	line := `{"line":` + strconv.Itoa(n)
	if obj[1] != '}' {
		line += ","
	}
	_, err = io.WriteString(w, line+string(obj[1:])+"\n")
	return err
}

// compact is the one-line answer to the query on line n: the line
// number, the endpoints as the query names them, the flow, the outcome,
// and for an answer that is not REACHABLE the first blocking point (for
// an indeterminate one, the first undecided hop): its code, leg and hop
// number as the trace prints them, and the component as the trace names
// it. Every string from
// the query or the design is escaped (internal/textsafe).
//
//	line 2: web-1 -> db-1: tcp 10.0.1.10:50000 -> 10.0.3.30:5432: NOT REACHABLE (3 blocking points): ACL_DEFAULT_DENY at request hop 4, network-acl acl-db (subnet-db) inbound
func compact(n int, q reach.Query, r *reach.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "line %d: %s -> %s: %s: ", n, textsafe.String(q.From), textsafe.String(q.To), textsafe.String(r.Flow.String()))
	var first *reach.Block
	certain := 0
	for i := range r.Blocks {
		if r.Blocks[i].Indeterminate != (r.Outcome == reach.Indeterminate) {
			continue
		}
		if first == nil {
			first = &r.Blocks[i]
		}
		certain++
	}
	switch r.Outcome {
	case reach.Reachable:
		b.WriteString("REACHABLE")
		return b.String()
	case reach.Indeterminate:
		fmt.Fprintf(&b, "INDETERMINATE (%s)", count(certain, "undecided hop", "undecided hops"))
	default:
		fmt.Fprintf(&b, "NOT REACHABLE (%s)", count(certain, "blocking point", "blocking points"))
	}
	if first == nil {
		return b.String()
	}
	leg, hops := "request", r.Forward
	if first.Leg == reach.Return {
		leg, hops = "reply", r.Return
	}
	fmt.Fprintf(&b, ": %s at %s hop %d, %s %s", textsafe.String(string(first.Code)), leg, first.Hop,
		textsafe.String(string(first.Kind)), textsafe.String(first.ID))
	if i := first.Hop - 1; i >= 0 && i < len(hops) {
		if h := hops[i]; h.Name != "" {
			b.WriteString(" (" + textsafe.String(h.Name) + ")")
		}
		if h := hops[i]; h.HasDirection() {
			b.WriteString(" " + h.Direction.String())
		}
	}
	return b.String()
}

// count writes "1 blocking point", "3 blocking points".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

// excerpt is the start of a line, for an error message: at most 200
// bytes, then "..." when it goes on.
func excerpt(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return s[:max] + "..."
}

// lineScanner reads a --queries file one line at a time, numbering the
// lines from 1, in bounded memory: a line longer than maxQueryLine is
// returned cut to its first maxQueryLine bytes with long set, and the
// rest of it is read and dropped, so that a huge line or an endless one
// costs no more than maxQueryLine bytes. A line ends at "\n", and a "\r"
// before it is dropped; the last line needs no line break.
type lineScanner struct {
	*bufio.Scanner
	number   int  // the line Text holds, from 1
	long     bool // the line is longer than maxQueryLine: Text holds its start
	skipping bool // dropping the rest of a long line
	skipped  int  // bytes of the long line dropped so far
	started  bool // past a byte order mark that may open the input
}

// bom is the UTF-8 byte order mark, which Windows editors put first.
var bom = []byte("\ufeff")

func newLineScanner(r io.Reader) *lineScanner {
	s := &lineScanner{Scanner: bufio.NewScanner(r)}
	s.Buffer(make([]byte, 0, 4096), maxQueryLine+2)
	s.Split(s.split)
	return s
}

// Scan advances to the next line, which Text then holds.
func (s *lineScanner) Scan() bool {
	s.long = false
	if !s.Scanner.Scan() {
		return false
	}
	s.number++
	return true
}

// split is the bufio.SplitFunc of a lineScanner. The Scanner's buffer
// holds maxQueryLine+2 bytes at most: room for a line of maxQueryLine
// bytes and its "\r\n". A line break within them ends a line; without
// one the line is long (its first maxQueryLine+1 bytes are no "\r" before
// a line break).
func (s *lineScanner) split(data []byte, atEOF bool) (advance int, token []byte, err error) {
	if !s.started {
		if len(data) < len(bom) && !atEOF && bytes.HasPrefix(bom, data) {
			return 0, nil, nil // perhaps a byte order mark: read on
		}
		s.started = true
		if bytes.HasPrefix(data, bom) {
			return len(bom), nil, nil // passed over, as the JSON inputs' is
		}
	}
	i := bytes.IndexByte(data, '\n')
	if s.skipping {
		if i < 0 {
			if s.skipped += len(data); s.skipped > maxSkippedLine {
				return 0, nil, fmt.Errorf("line %d goes on for more than %d MiB without a line break: this is no file of queries (one a line), so reading stops", s.number, maxSkippedLine>>20)
			}
			return len(data), nil, nil
		}
		s.skipping, s.skipped = false, 0
		return i + 1, nil, nil
	}
	switch {
	case i >= 0:
		return i + 1, s.line(data[:i]), nil
	case len(data) > maxQueryLine+1:
		s.long, s.skipping = true, true
		return maxQueryLine, data[:maxQueryLine], nil
	case atEOF && len(data) > 0:
		return len(data), s.line(data), nil
	}
	return 0, nil, nil
}

// line returns b, a whole line without its "\n", without the "\r" that
// ends it, cut to its first maxQueryLine bytes (with long set) when it is
// longer: the limit is on the line without its line break.
func (s *lineScanner) line(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\r"))
	if len(b) > maxQueryLine {
		s.long = true
		return b[:maxQueryLine]
	}
	return b
}

// splitWords splits a line into words as a POSIX shell would, without
// expansions: words are separated by spaces and tabs; '...' keeps what it
// holds as it is; "..." too, but for \" and \\, which stand for " and \;
// outside quotes a backslash keeps the character after it as it is.
// Quoted and unquoted parts next to each other make one word
// (--domain="a b" is --domain=a b), and a pair of quotes with nothing
// between them is an empty word. A quote left open, or a backslash ending
// the line, is an error.
func splitWords(line string) ([]string, error) {
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		switch c := line[i]; c {
		case ' ', '\t':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				return nil, fmt.Errorf("a quote ' at byte %d is not closed", i+1)
			}
			w.WriteString(line[i+1 : i+1+end])
			i, inWord = i+1+end, true
		case '"':
			j := i + 1
			for ; j < len(line) && line[j] != '"'; j++ {
				if line[j] == '\\' && j+1 < len(line) && (line[j+1] == '"' || line[j+1] == '\\') {
					j++
				}
				w.WriteByte(line[j])
			}
			if j == len(line) {
				return nil, fmt.Errorf("a quote \" at byte %d is not closed", i+1)
			}
			i, inWord = j, true
		case '\\':
			if i+1 == len(line) {
				return nil, errors.New("a backslash ends the line (lines do not continue)")
			}
			i++
			w.WriteByte(line[i])
			inWord = true
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words, nil
}
