package flow

import (
	"errors"
	"strconv"
	"strings"
	"unicode/utf8"
)

// InputError locates a fault in configuration input (AWS JSON, rule text,
// Go literals): the file, the JSON path, the resource and rule it belongs
// to, and the offending text. Every parser in reachsim returns one (wrapped
// or bare), so errors.As finds it and errors.Is finds the sentinel in Err.
type InputError struct {
	File     string // file name, when the input came from a file
	Path     string // JSON path such as "SecurityGroups[0].IpPermissions[2].FromPort"
	Resource string // resource ID such as "sg-0123" or "acl-0123"
	Rule     string // rule ID or number such as "sgr-0123" or "100"
	Text     string // the offending text, quoted in the message
	Err      error  // what is wrong; usually wraps a package sentinel
}

// Error prints the location, then the quoted text, then the cause:
//
//	groups.json: SecurityGroups[0].IpPermissions[1].IpRanges[0].CidrIp (sg-1 rule sgr-2): "10.0.0.0/33": invalid CIDR
func (e *InputError) Error() string {
	var parts []string // file, location, quoted text, cause; joined by ": "
	if e.File != "" {
		parts = append(parts, e.File)
	}
	loc := elide(e.Path)
	if e.Resource != "" || e.Rule != "" {
		who := e.Resource
		if e.Rule != "" {
			who = strings.TrimSpace(who + " rule " + e.Rule)
		}
		loc = strings.TrimSpace(loc + " (" + who + ")")
	}
	if loc != "" {
		parts = append(parts, loc)
	}
	if e.Text != "" {
		parts = append(parts, strconv.Quote(e.Text))
	}
	if e.Err != nil {
		parts = append(parts, e.Err.Error())
	} else {
		parts = append(parts, "invalid input")
	}
	return strings.Join(parts, ": ")
}

// Unwrap returns the cause.
func (e *InputError) Unwrap() error { return e.Err }

// maxPathText is the longest JSON path an error message writes whole.
const maxPathText = 512

// elideKeep is how many bytes of each end of a path elide keeps: few
// enough that each word of the result ("first…(N" and "bytes)…last")
// stays within what a command line quotes of one word (reachsim cuts a
// word at 200 bytes), so that the elided path is not cut a second time
// and the count of the bytes left out is the one printed.
const elideKeep = 160

// elide shortens a path longer than maxPathText to its first and last
// parts around the count of bytes left out (a document nested ten
// thousand levels deep names its fault in a line, not in 30 KB); the
// InputError's Path field keeps it whole.
func elide(path string) string {
	if len(path) <= maxPathText {
		return path
	}
	h, t := elideKeep, len(path)-elideKeep
	for h > 0 && !utf8.RuneStart(path[h]) { // cut between characters
		h--
	}
	for t < len(path) && !utf8.RuneStart(path[t]) {
		t++
	}
	return path[:h] + "…(" + strconv.Itoa(t-h) + " bytes)…" + path[t:]
}

// ErrJSON is wrapped by the errors of every JSON parser in reachsim when
// the input does not decode at all (a syntax error, or a value of the wrong
// JSON type).
var ErrJSON = errors.New("malformed JSON")
