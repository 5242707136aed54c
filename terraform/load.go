package terraform

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/inputfile"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// ErrInvalidPlan is wrapped by the errors [Load] reports about a plan it
// cannot use: an attribute of the wrong form, a reference it cannot
// resolve, a resource that names another the plan does not hold. JSON
// that does not decode wraps [flow.ErrJSON] instead, and a design the plan
// describes that [reach.Builder] rejects wraps [reach.ErrTopology].
var ErrInvalidPlan = errors.New("invalid Terraform plan")

// ErrUntrusted is wrapped by the error [Load] reports for a plan that
// cannot be trusted to hold the whole intended network: one Terraform
// failed to finish ("errored": true), one that is not complete
// ("complete": false: a targeted plan, or one with deferred changes,
// leaves resources out; or, in a plan of Terraform before v1.8, which
// writes no "complete", a managed resource of prior_state with no
// resource_changes entry, as a targeted plan leaves it), or one whose
// format_version has a major version other than 1.
var ErrUntrusted = errors.New("untrusted Terraform plan")

// ErrUnknownValue is wrapped by the error [Load] reports for a value the
// model needs that Terraform knows only after apply (a CIDR block, a
// port, an address) and that no reference resolves. The error names the
// resource address and the attribute.
var ErrUnknownValue = errors.New("known only after apply")

// ErrFileTooLarge is wrapped by the error [Load] reports for a file larger
// than [Options.MaxFileSize].
var ErrFileTooLarge = errors.New("file too large")

// DefaultMaxFileSize is the largest plan [Load] reads when
// [Options.MaxFileSize] is not set: 1 GiB.
const DefaultMaxFileSize = 1 << 30

// Options tune [LoadWith] and [LoadFSWith]. The zero Options are the
// defaults [Load] and [LoadFS] use.
type Options struct {
	// MaxFileSize is the size in bytes of the largest plan read; a larger
	// one is an error wrapping [ErrFileTooLarge]. Zero or less means
	// [DefaultMaxFileSize].
	MaxFileSize int64
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

// Report says what [Load] read and what it left out.
type Report struct {
	File             string // the plan's path
	TerraformVersion string // the version of Terraform that wrote it
	// Modelled maps each resource type read into the model to its number
	// of instances; Unmodelled each other type the plan holds (managed
	// resources and data sources alike) to its number. Neither is ever an
	// error.
	Modelled, Unmodelled map[string]int
	// Placeholders maps the address of each resource whose ID is known
	// only after apply, and which another resource links to, to the ID
	// the model gives it: its address (a space in a key written \u0020).
	Placeholders map[string]string
	// Warnings lists, sorted, what was read but left out and why, and
	// the resources the model names otherwise than by their address as
	// written (a space in a for_each key, written \u0020: doc.go).
	Warnings []string
}

// Load reads the plan file at path (terraform show -json plan.out) and
// builds the network it plans. The report is returned even when the load
// fails. Load is LoadWith with the zero [Options].
func Load(path string) (*reach.Model, *Report, error) {
	return load(inputfile.OS{}, Options{}, path)
}

// LoadWith is [Load] with options.
func LoadWith(opts Options, path string) (*reach.Model, *Report, error) {
	return load(inputfile.OS{}, opts, path)
}

// LoadFS is [Load] over an fs.FS (embedded plans, tests): path is
// slash-separated and relative to the root of fsys.
func LoadFS(fsys fs.FS, path string) (*reach.Model, *Report, error) {
	return load(inputfile.FS{FS: fsys}, Options{}, path)
}

// LoadFSWith is [LoadFS] with options.
func LoadFSWith(fsys fs.FS, opts Options, path string) (*reach.Model, *Report, error) {
	return load(inputfile.FS{FS: fsys}, opts, path)
}

func load(src inputfile.Source, opts Options, path string) (*reach.Model, *Report, error) {
	rep := &Report{File: path, Modelled: map[string]int{}, Unmodelled: map[string]int{}, Placeholders: map[string]string{}}
	data, err := inputfile.ReadLimited(src, path, inputfile.Limits{Max: opts.maxFileSize(), Invalid: ErrInvalidPlan,
		TooLarge: ErrFileTooLarge, Raise: "--max-file-size, or terraform.Options.MaxFileSize"})
	if err != nil {
		return nil, rep, err
	}
	m, err := Parse(path, data, rep)
	return m, rep, err
}

// header is what a plan says of itself, read before the rest: terraform-
// json's Plan has no Errored field, and reads "complete" only as given.
type header struct {
	FormatVersion    *string `json:"format_version"`
	TerraformVersion string  `json:"terraform_version"`
	Errored          *bool   `json:"errored"`
	Complete         *bool   `json:"complete"`
}

// Parse builds the network the plan in data plans; name names it in
// errors (a file name). rep, when not nil, is filled as [Load] fills its
// report.
func Parse(name string, data []byte, rep *Report) (*reach.Model, error) {
	if rep == nil {
		rep = &Report{}
	}
	if rep.Modelled == nil {
		rep.Modelled, rep.Unmodelled, rep.Placeholders = map[string]int{}, map[string]int{}, map[string]string{}
	}
	plan, err := decode(name, data)
	if err != nil {
		return nil, err
	}
	rep.TerraformVersion = plan.TerraformVersion
	r := newReader(name, plan, rep)
	return r.build()
}

// decode checks the plan's header and decodes it.
func decode(name string, data []byte) (*tfjson.Plan, error) {
	jsonErr := func(err error) error {
		return &flow.InputError{File: name, Err: fmt.Errorf("%w: %w", flow.ErrJSON, err)}
	}
	// The whole document is checked here: a key twice in one object (or
	// a field of the header named twice, differing only in case) is an
	// error, never "the last one wins" ("errored" given false after true);
	// so are two keys differing only in case anywhere terraform-json reads
	// them into one field (checkFolds).
	data = jsonloc.StripBOM(data)
	var h header
	if err := jsonloc.Document(data, &h); err != nil {
		var ie *flow.InputError
		if errors.As(err, &ie) {
			ie.File = name
			return nil, ie
		}
		return nil, jsonErr(err)
	}
	untrusted := func(path, text, format string, args ...any) error {
		return &flow.InputError{File: name, Path: path, Text: text, Err: fmt.Errorf("%w: "+format, append([]any{ErrUntrusted}, args...)...)}
	}
	switch {
	case h.FormatVersion == nil:
		return nil, untrusted("format_version", "", "no format_version: not the JSON of terraform show -json on a plan file")
	case majorVersion(*h.FormatVersion) != "1":
		return nil, untrusted("format_version", *h.FormatVersion, "plan format version %s; this reads format 1.x", *h.FormatVersion)
	case h.Errored != nil && *h.Errored:
		return nil, untrusted("errored", "true", "Terraform failed to finish this plan, so it does not hold the whole network; fix the errors and plan again")
	case h.Complete != nil && !*h.Complete:
		return nil, untrusted("complete", "false", "the plan is not complete (a plan with -target, or with deferred changes), so resources are missing; plan the whole configuration")
	}
	if err := checkFolds(name, data); err != nil {
		return nil, err
	}
	var plan tfjson.Plan
	plan.UseJSONNumber(true) // ports and rule numbers exactly, never through float64
	if err := json.Unmarshal(data, &plan); err != nil {
		return nil, jsonErr(err)
	}
	if h.Complete == nil {
		if missing := unplanned(&plan); len(missing) > 0 {
			more := ""
			if len(missing) > 5 {
				more = fmt.Sprintf(" and %d more", len(missing)-5)
				missing = missing[:5]
			}
			return nil, untrusted("prior_state", missing[0], "the plan says nothing of whether it is complete (no \"complete\": Terraform writes it since v1.8) and plans no change, not even a no-op, for resources its prior state holds (%s%s): a plan with -target leaves them out (and -refresh-only plans no change at all), so resources are missing; plan the whole configuration",
				strings.Join(missing, ", "), more)
		}
	}
	return &plan, nil
}

// unplanned returns the addresses of the managed resources of the plan's
// prior state that have no resource_changes entry. A plan of the whole
// configuration has one for each (a no-op included; one the configuration
// no longer holds is deleted or forgotten); a plan with -target leaves out
// every resource it does not target, which Terraform before v1.8 does not
// mark ("complete" is new in v1.8: hashicorp/terraform#34642).
func unplanned(plan *tfjson.Plan) []string {
	if plan.PriorState == nil || plan.PriorState.Values == nil {
		return nil
	}
	planned := map[string]bool{}
	for _, rc := range plan.ResourceChanges {
		if rc != nil {
			planned[rc.Address] = true
		}
	}
	var out []string
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, sr := range m.Resources {
			if sr != nil && sr.Mode == tfjson.ManagedResourceMode && !planned[sr.Address] && !slices.Contains(out, sr.Address) {
				out = append(out, sr.Address)
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(plan.PriorState.Values.RootModule)
	return out
}

// majorVersion returns the part of v before its first dot.
func majorVersion(v string) string {
	major, _, _ := strings.Cut(v, ".")
	return major
}
