package aws

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	slashpath "path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// The entry points, and the reading of the files: which files, and which of
// their top-level keys go to which reader.

// ErrInvalidDump is wrapped by the errors [Load] reports about AWS CLI
// output it cannot use: a required field that is missing, a value of the
// wrong form, entries of a prefix list it cannot attribute, a resource
// listed twice. JSON that does not decode wraps [flow.ErrJSON] instead,
// and references to resources that are not in the input wrap
// [reach.ErrTopology] (or [firewall.ErrUnresolved] for firewall policies and
// rule groups).
var ErrInvalidDump = errors.New("invalid AWS CLI output")

// Report says what [Load] read and what it left out.
type Report struct {
	// Files lists the files read, in the order read (the paths as given,
	// each directory's *.json files in name order).
	Files []string
	// Warnings lists, sorted, what was read but not modelled and why:
	// unknown top-level keys, instances that are not running, routes to
	// targets reachsim does not model, NAT gateways that are not
	// available... Each starts with the file and the JSON path.
	Warnings []string
	// Counts maps each kind of resource to the number modelled:
	// "vpcs", "subnets", "instances", "network-interfaces",
	// "security-groups", "security-group-rules", "network-acls",
	// "route-tables", "routes", "internet-gateways", "nat-gateways",
	// "prefix-lists", "firewalls", "firewall-policies", "rule-groups".
	// Every kind is present, zero when none was loaded.
	Counts map[string]int
}

// Load reads AWS CLI JSON from files and directories (non-recursive;
// *.json) in the OS file system and builds the model: aws.Load("dump/").
// The package documentation says which commands to run, how each file is
// read, what is left out with a warning, and how errors are reported. The
// report is returned even when the load fails.
func Load(paths ...string) (*reach.Model, *Report, error) {
	return load(osSource{}, paths)
}

// LoadFS is Load over an fs.FS (the embedded sample, tests). Paths
// are slash-separated and relative to the root of fsys, as fs.FS wants.
func LoadFS(fsys fs.FS, paths ...string) (*reach.Model, *Report, error) {
	return load(fsSource{fsys}, paths)
}

// source is a file system to read the input from.
type source interface {
	stat(name string) (fs.FileInfo, error)
	readDir(name string) ([]fs.DirEntry, error)
	readFile(name string) ([]byte, error)
	join(dir, name string) string
	clean(name string) string
}

type osSource struct{}

func (osSource) stat(name string) (fs.FileInfo, error) { return os.Stat(name) }

func (osSource) readDir(name string) ([]fs.DirEntry, error) { return os.ReadDir(name) }

func (osSource) readFile(name string) ([]byte, error) { return os.ReadFile(name) }

func (osSource) join(dir, name string) string { return filepath.Join(dir, name) }

func (osSource) clean(name string) string { return filepath.Clean(name) }

type fsSource struct{ fsys fs.FS }

func (s fsSource) stat(name string) (fs.FileInfo, error) { return fs.Stat(s.fsys, name) }

func (s fsSource) readDir(name string) ([]fs.DirEntry, error) { return fs.ReadDir(s.fsys, name) }

func (s fsSource) readFile(name string) ([]byte, error) { return fs.ReadFile(s.fsys, name) }

func (fsSource) join(dir, name string) string { return slashpath.Join(dir, name) }

func (fsSource) clean(name string) string { return slashpath.Clean(name) }

// gather expands the paths into the files to read: a file as is, a
// directory's *.json files (not its subdirectories) in name order. A file
// named twice is read once.
func gather(src source, paths []string) ([]string, error) {
	if len(paths) == 0 {
		return nil, &flow.InputError{Err: fmt.Errorf("%w: no input: name at least one file or directory of AWS CLI JSON", ErrInvalidDump)}
	}
	var files []string
	seen := map[string]bool{}
	add := func(f string) {
		if !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	var errs []error
	for _, p := range paths {
		p = src.clean(p)
		info, err := src.stat(p)
		if err != nil {
			errs = append(errs, &flow.InputError{File: p, Err: err})
			continue
		}
		if !info.IsDir() {
			add(p)
			continue
		}
		entries, err := src.readDir(p)
		if err != nil {
			errs = append(errs, &flow.InputError{File: p, Err: err})
			continue
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() && strings.EqualFold(slashpath.Ext(e.Name()), ".json") {
				add(src.join(p, e.Name()))
				n++
			}
		}
		if n == 0 {
			errs = append(errs, &flow.InputError{File: p, Err: fmt.Errorf("%w: the directory holds no *.json file", ErrInvalidDump)})
		}
	}
	return files, errors.Join(errs...)
}

func load(src source, paths []string) (*reach.Model, *Report, error) {
	l := newLoader()
	files, err := gather(src, paths)
	if err != nil {
		return nil, l.report, err
	}
	for _, f := range files {
		data, err := src.readFile(f)
		if err != nil {
			l.errs = append(l.errs, &flow.InputError{File: f, Err: err})
			continue
		}
		l.report.Files = append(l.report.Files, f)
		l.readFile(f, data)
	}
	if len(l.errs) == 0 {
		l.assemble()
	}
	slices.Sort(l.report.Warnings)
	if len(l.errs) > 0 {
		return nil, l.report, errors.Join(l.errs...)
	}
	b, where := l.builder()
	m, err := b.Build()
	if err != nil {
		return nil, l.report, where.explain(err)
	}
	l.warnQuotas(m) // see quota.go
	return m, l.report, nil
}

// readFile reads one file's top-level keys.
func (l *loader) readFile(file string, data []byte) {
	var top map[string]json.RawMessage
	if err := jsonloc.Unmarshal("", data, &top); err != nil {
		l.parserErr(file, err)
		return
	}
	keys := slices.Sorted(maps.Keys(top))
	read := false
	var unknown []string
	root := jsonloc.Loc{File: file}
	for _, k := range keys {
		o := root.Field(k)
		raw := top[k]
		read = read || resourceKeys[k]
		switch k {
		case "Vpcs":
			l.readVPCs(o, raw)
		case "Subnets":
			l.readSubnets(o, raw)
		case "NetworkInterfaces":
			enis, _ := decodeList[eniJSON](l, o, raw, nil)
			for i := range enis {
				if e := l.readENI(o.Index(i), &enis[i], ""); e != nil {
					if prev, dup := l.enisFile[e.id]; dup {
						l.fail(e.at.Field("NetworkInterfaceId"), e.id, e.id, ErrInvalidDump, "network interface %s is listed twice (first at %s)", e.id, prev.at)
						continue
					}
					l.enisFile[e.id] = e
				}
			}
		case "Reservations":
			l.readReservations(o, raw)
		case "SecurityGroups":
			l.readGroups(file, sub(top, k))
		case "SecurityGroupRules":
			l.readGroupRules(o, raw, sub(top, k))
		case "NetworkAcls":
			l.readACLs(file, sub(top, k))
		case "RouteTables":
			l.readRouteTables(o, raw)
		case "InternetGateways":
			l.readIGWs(o, raw)
		case "NatGateways":
			l.readNATs(o, raw)
		case "PrefixLists":
			l.readPrefixLists(file, top)
		case "Entries":
			if _, both := top["PrefixLists"]; !both {
				l.readPrefixLists(file, top)
			}
		case "RuleGroup":
			l.readRuleGroup(file, sub(top, "RuleGroup", "RuleGroupResponse"))
		case "RuleGroupResponse":
			if _, both := top["RuleGroup"]; !both {
				l.readRuleGroup(file, sub(top, "RuleGroup", "RuleGroupResponse"))
			}
		case "FirewallPolicy":
			l.readPolicy(file, sub(top, "FirewallPolicy", "FirewallPolicyResponse"))
		case "FirewallPolicyResponse":
			if _, both := top["FirewallPolicy"]; !both {
				l.readPolicy(file, sub(top, "FirewallPolicy", "FirewallPolicyResponse"))
			}
		case "Firewall":
			l.readFirewall(file, sub(top, "Firewall", "FirewallStatus"))
		case "FirewallStatus":
			if _, both := top["Firewall"]; !both {
				l.readFirewall(file, sub(top, "Firewall", "FirewallStatus"))
			}
		case "NextToken":
			var tok *string
			if json.Unmarshal(raw, &tok) == nil && tok != nil && *tok != "" {
				l.warn(o, "NextToken is set: this is one page of a paginated listing, and the other pages are missing unless other files hold them (the AWS CLI v2 fetches every page unless --max-items or --no-paginate is given)")
			}
		case "UpdateToken":
		default:
			unknown = append(unknown, strconv.Quote(k))
		}
	}
	switch {
	case !read && len(unknown) > 0:
		l.warn(root, "ignored: no top-level key reachsim reads (only %s): is this the output of an aws describe command?", strings.Join(unknown, ", "))
	case !read:
		l.warn(root, "ignored: no top-level key reachsim reads: is this the output of an aws describe command?")
	case len(unknown) > 0:
		l.warn(root, "unknown top-level key(s) %s ignored", strings.Join(unknown, ", "))
	}
}

// resourceKeys are the top-level keys Load reads resources from.
var resourceKeys = map[string]bool{
	"Vpcs": true, "Subnets": true, "NetworkInterfaces": true, "Reservations": true, "SecurityGroups": true,
	"SecurityGroupRules": true, "NetworkAcls": true, "RouteTables": true, "InternetGateways": true,
	"NatGateways": true, "PrefixLists": true, "Entries": true, "RuleGroup": true, "RuleGroupResponse": true,
	"FirewallPolicy": true, "FirewallPolicyResponse": true, "Firewall": true, "FirewallStatus": true,
}

// sub returns a JSON object holding the present keys of top, for the
// parsers of the other packages.
func sub(top map[string]json.RawMessage, keys ...string) []byte {
	b := []byte{'{'}
	for _, k := range keys {
		raw, ok := top[k]
		if !ok {
			continue
		}
		if len(b) > 1 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		b = append(b, raw...)
	}
	return append(b, '}')
}
