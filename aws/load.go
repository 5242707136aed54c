package aws

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io/fs"
	"maps"
	"os"
	slashpath "path"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/internal/inputfile"
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
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

// ErrVPCNotInInput is wrapped by the error of a load whose
// [Options.VPCs] names a VPC the input does not hold (and
// [Options.VPCsMayBeAbsent] is not set): the choice is wrong, not the
// dump.
var ErrVPCNotInInput = errors.New("a chosen VPC is not in the input")

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
	// "prefix-lists", "firewalls", "firewall-policies", "rule-groups",
	// "vpc-peering-connections", "transit-gateways",
	// "transit-gateway-route-tables", "transit-gateway-attachments",
	// "egress-only-internet-gateways", "gateway-endpoints".
	// Every kind is present, zero when none was loaded.
	Counts map[string]int
	// VPCsAbsent lists, sorted, the VPCs of Options.VPCs the input does
	// not hold, when Options.VPCsMayBeAbsent lets them pass.
	VPCsAbsent []string
}

// DefaultMaxFileSize is the largest file [Load] reads when
// [Options.MaxFileSize] is not set: 1 GiB.
const DefaultMaxFileSize = 1 << 30

// ErrFileTooLarge is wrapped by the error [Load] reports for a file larger
// than [Options.MaxFileSize].
var ErrFileTooLarge = errors.New("file too large")

// Options tune [LoadWith] and [LoadFSWith]. The zero Options are the
// defaults [Load] and [LoadFS] use.
type Options struct {
	// MaxFileSize is the size in bytes of the largest file read; a larger
	// file is an error wrapping [ErrFileTooLarge], found before it is read
	// when its size is known and otherwise after reading one byte past the
	// limit, so that memory stays bounded whatever the file is. Zero or
	// less means [DefaultMaxFileSize].
	MaxFileSize int64
	// Progress, when set, is told how far the load has got: once with
	// done 0 when the files to read are known (total of them), then after
	// each file is read and decoded, done counting the files so far. The
	// model is assembled and built after the last call (done == total).
	// A file that cannot be read counts as done too. Progress is called on
	// the goroutine that called the load, never after it returns. A
	// command line shows it on a terminal (reachsim does).
	Progress func(done, total int)
	// VPCs, when not empty, chooses the VPCs to model: the others, and
	// everything in them (subnets, interfaces and their instances and
	// Elastic IPs, security groups, network ACLs, route tables, gateways,
	// endpoints, firewalls), are left out as if the input did not hold
	// them. A peering or a transit gateway attachment to a VPC left out
	// stays, and traffic it routes is indeterminate, as for another
	// account's VPC; a rule referencing a group of a VPC left out is an
	// unresolved reference; the public addresses and IPv6 blocks of what
	// is left out are unmodelled (a packet for them is indeterminate). Two VPCs whose resources hold the same private
	// address cannot be one design (see [reach.Builder.Build]): choose
	// them in turn. A VPC the input does not hold is an error wrapping
	// [ErrVPCNotInInput] (unless VPCsMayBeAbsent). The Region's Block Public Access mode is read from
	// every VPC.
	VPCs []string
	// VPCsMayBeAbsent lets a VPC of VPCs that the input does not hold
	// pass, for a comparison of two inputs where a change adds or removes
	// a VPC (reachsim diff --vpc): the load models the VPCs of VPCs it
	// holds (none, perhaps: then every VPC is left out) and lists the
	// others in [Report.VPCsAbsent]. Whether each VPC is held by one of
	// the inputs is the caller's to check.
	VPCsMayBeAbsent bool
}

func (o Options) progress(done, total int) {
	if o.Progress != nil {
		o.Progress(done, total)
	}
}

func (o Options) maxFileSize() int64 {
	if o.MaxFileSize <= 0 {
		return DefaultMaxFileSize
	}
	return o.MaxFileSize
}

// Load reads AWS CLI JSON from files and directories (non-recursive;
// *.json) in the OS file system and builds the model: aws.Load("dump/").
// The package documentation says which commands to run, how each file is
// read, what is left out with a warning, and how errors are reported. The
// report is returned even when the load fails. Load is LoadWith with the
// zero [Options].
//
// Memory: the live data peaks near the input's size (the model kept is
// about 0.9× the JSON on a large account), and at its default pace the
// Go collector lets garbage take the heap to about twice the live data
// before it runs, so the heap's high point is 1.6–2.4× the input. A
// program that must stay within twice the input can set a soft memory
// limit around the load (runtime/debug.SetMemoryLimit: what the process
// holds plus twice the input's size), as reachsim does.
func Load(paths ...string) (*reach.Model, *Report, error) {
	return load(inputfile.OS{}, Options{}, paths)
}

// LoadWith is [Load] with options: aws.LoadWith(aws.Options{MaxFileSize: 64 << 20}, "dump/").
func LoadWith(opts Options, paths ...string) (*reach.Model, *Report, error) {
	return load(inputfile.OS{}, opts, paths)
}

// LoadFS is Load over an fs.FS (the embedded sample, tests). Paths
// are slash-separated and relative to the root of fsys, as fs.FS wants.
func LoadFS(fsys fs.FS, paths ...string) (*reach.Model, *Report, error) {
	return load(inputfile.FS{FS: fsys}, Options{}, paths)
}

// LoadFSWith is [LoadFS] with options.
func LoadFSWith(fsys fs.FS, opts Options, paths ...string) (*reach.Model, *Report, error) {
	return load(inputfile.FS{FS: fsys}, opts, paths)
}

// source is a file system to read the input from.
type source = inputfile.Source

// notRegular returns the error for name, which is no regular file (after
// following symbolic links) but what mode says.
func notRegular(src source, name string, mode fs.FileMode) error {
	return inputfile.NotRegular(src, name, mode, ErrInvalidDump)
}

// readLimited reads the regular file name, of at most limit bytes.
func readLimited(src source, name string, limit int64) ([]byte, error) {
	return inputfile.ReadLimited(src, name, inputfile.Limits{Max: limit, Invalid: ErrInvalidDump, TooLarge: ErrFileTooLarge,
		Raise: "--max-file-size, or aws.Options.MaxFileSize"})
}

// gather expands the paths into the files to read: a file as is, a
// directory's *.json files (not its subdirectories) in name order. A file
// named twice is read once, also by two paths (relative and absolute, or
// through a symbolic link). A path named, or a *.json entry of a named
// directory, that is not a regular file (after following symbolic links)
// is an error naming it and what it is: a directory entry named *.json
// is meant as input, and leaving it out would model part of the network.
func gather(src source, paths []string) ([]string, error) {
	files, _, err := gatherNoting(src, paths)
	return files, err
}

// gatherNoting is [gather], and says, for each named directory that
// holds entries it passes over (other files, subdirectories), which:
// "dump/: passed over 2 entries that are not *.json files (fw/,
// notes.txt)", for the load's warnings.
func gatherNoting(src source, paths []string) ([]string, []string, error) {
	if len(paths) == 0 {
		return nil, nil, &flow.InputError{Err: fmt.Errorf("%w: no input: name at least one file or directory of AWS CLI JSON", ErrInvalidDump)}
	}
	var notes []string
	var files []string
	seen := map[string]bool{}
	// a file named by two paths (relative and absolute, through a
	// symbolic link) is one file: os.SameFile among those of its size
	// and time (files of the OS; others are told apart by path)
	type stamp struct{ size, mod int64 }
	same := map[stamp][]fs.FileInfo{}
	add := func(f string, info fs.FileInfo) {
		if seen[f] {
			return
		}
		seen[f] = true
		k := stamp{info.Size(), info.ModTime().UnixNano()}
		for _, o := range same[k] {
			if os.SameFile(o, info) {
				return
			}
		}
		same[k] = append(same[k], info)
		files = append(files, f)
	}
	var errs []error
	for _, p := range paths {
		p = src.Clean(p)
		info, err := src.Stat(p)
		switch {
		case err != nil:
			errs = append(errs, &flow.InputError{File: p, Err: err})
			continue
		case info.Mode().IsRegular():
			add(p, info)
			continue
		case !info.IsDir():
			errs = append(errs, notRegular(src, p, info.Mode()))
			continue
		}
		entries, err := src.ReadDir(p)
		if err != nil {
			errs = append(errs, &flow.InputError{File: p, Err: err})
			continue
		}
		n := 0
		var passed []string
		for _, e := range entries {
			if !strings.EqualFold(slashpath.Ext(e.Name()), ".json") {
				name := e.Name()
				if e.IsDir() {
					name += "/"
				}
				passed = append(passed, name)
				continue
			}
			f := src.Join(p, e.Name())
			n++
			info, err := src.Stat(f)
			switch {
			case err != nil:
				errs = append(errs, &flow.InputError{File: f, Err: err})
			case !info.Mode().IsRegular():
				errs = append(errs, notRegular(src, f, info.Mode()))
			default:
				add(f, info)
			}
		}
		if n == 0 {
			errs = append(errs, &flow.InputError{File: p, Err: fmt.Errorf("%w: the directory holds no *.json file", ErrInvalidDump)})
		}
		if len(passed) > 0 {
			notes = append(notes, passedOver(p, passed))
		}
	}
	return files, notes, errors.Join(errs...)
}

// passedOver is the warning for the entries of directory dir that a load
// passes over: only the *.json files directly in a directory are read,
// so a dump split into subdirectories, or saved as *.txt, would be read
// in part without it. At most 5 entries are named.
func passedOver(dir string, names []string) string {
	slices.Sort(names)
	shown := names
	if len(shown) > 5 {
		shown = shown[:5]
	}
	list := strings.Join(shown, ", ")
	if len(names) > len(shown) {
		list += fmt.Sprintf(", and %d more", len(names)-len(shown))
	}
	what := fmt.Sprintf("%d entries that are not *.json files", len(names))
	if len(names) == 1 {
		what = "1 entry that is not a *.json file"
	}
	return fmt.Sprintf("%s: passed over %s (%s): only the *.json files directly in a directory are read; name a subdirectory or another file as a path of its own to read it",
		dir, what, list)
}

func load(src source, opts Options, paths []string) (*reach.Model, *Report, error) {
	l, err := prepare(src, opts, paths)
	if err != nil {
		return nil, l.report, err
	}
	l.release()
	b := l.builder(nil) // where each resource came from is built for Build's errors only
	l.setOrigins(b)     // quota.go: where each group, ACL, table, firewall is, for lint
	report, sums, odd := l.report, l.sums, l.oddQuotaPlaces()
	// The builder holds the design now; the loader's records (a quarter
	// of the input's size on a large account: 38 MB of 145 on 20,000
	// interfaces) are garbage while the model is built, the load's
	// highest point. Build's errors, rare, read the input again to say
	// where each fault is (placeBuildError).
	*l = loader{}
	m, err := b.BuildOnce() // the model takes the builder's rules, entries and routes: nothing else holds them
	if err != nil {
		return nil, report, placeBuildError(src, opts, paths, sums, err)
	}
	warnQuotas(m, report, odd) // see quota.go
	return m, report, nil
}

// prepare reads the input's files and assembles what they hold: the
// loader, whose report is set even when the input is refused.
func prepare(src source, opts Options, paths []string) (*loader, error) {
	l := newLoader()
	files, notes, err := gatherNoting(src, paths)
	if err != nil {
		return l, err
	}
	l.report.Warnings = append(l.report.Warnings, notes...)
	l.readFiles(src, opts, files)
	if len(l.errs) == 0 && len(opts.VPCs) > 0 {
		l.selectVPCs(opts.VPCs, opts.VPCsMayBeAbsent) // select.go
	}
	if len(l.errs) == 0 {
		l.assemble()
	}
	slices.Sort(l.report.Warnings)
	return l, errors.Join(l.errs...)
}

// placeBuildError says where in the input each fault of err, Build's
// error, is: it reads the input again, as the load did, and records
// where each resource given to the builder came from. Should a file have
// changed since the load read it (its bytes' hash differs), the places
// could name other resources: err is returned as Build gave it, with a
// note saying so.
func placeBuildError(src source, opts Options, paths []string, sums []uint64, err error) error {
	opts.Progress = nil
	l, rerr := prepare(src, opts, paths)
	if rerr == nil && slices.Equal(l.sums, sums) {
		w := where{}
		l.builder(w)
		err = w.explain(err)
	} else {
		err = errors.Join(err, errors.New("aws: the input changed while it was read: where each fault is in it is not said"))
	}
	if errors.Is(err, reach.ErrSharedAddress) {
		err = errors.Join(err, errors.New("aws: VPCs that hold the same addresses cannot be one design: model them one at a time with Options.VPCs (reachsim --vpc ID,...)"))
	}
	return err
}

// bigLists are the top-level lists of a large account that readFile's
// fast path decodes, typed, in its single pass over the file (see
// jsonloc.Top); the other keys' values are decoded afterwards from their
// text, a slice of the file. On the slow path every field is nil and each
// reader decodes its key's text, element by element, for exact errors.
type bigLists struct {
	fast         bool
	groups       *[]awsGroupJSON // SecurityGroups; nil when null
	rules        *[]awsRuleJSON  // SecurityGroupRules
	acls         *[]jsonACL      // NetworkAcls
	enis         []eniJSON       // NetworkInterfaces
	reservations []reservationJSON
}

// into says where jsonloc.Top decodes the value of key.
func (b *bigLists) into(key string) any {
	switch key {
	case "SecurityGroups":
		return &b.groups
	case "SecurityGroupRules":
		return &b.rules
	case "NetworkAcls":
		return &b.acls
	case "NetworkInterfaces":
		return &b.enis
	case "Reservations":
		return &b.reservations
	}
	return nil
}

// securityGroups reads the SecurityGroups of top.
func (b *bigLists) securityGroups(top map[string]json.RawMessage) func() ([]sg.Group, error) {
	return func() ([]sg.Group, error) {
		if b.fast {
			list := b.groups
			b.groups = nil // garbage once read: see readFile
			return decodedGroups(list)
		}
		return parseSecurityGroups(sub(top, "SecurityGroups"), checkedDoc)
	}
}

// securityGroupRules reads the SecurityGroupRules of top.
func (b *bigLists) securityGroupRules(top map[string]json.RawMessage) func() ([]sg.Group, map[string]int, error) {
	return func() ([]sg.Group, map[string]int, error) {
		if b.fast {
			list := b.rules
			b.rules = nil // garbage once read: see readFile
			return decodedRules(list)
		}
		return parseSecurityGroupRules(sub(top, "SecurityGroupRules"), checkedDoc)
	}
}

// networkACLs reads the NetworkAcls of top.
func (b *bigLists) networkACLs(top map[string]json.RawMessage) func() ([]nacl.ACL, error) {
	return func() ([]nacl.ACL, error) {
		if b.fast {
			list := b.acls
			b.acls = nil // garbage once read: see readFile
			return decodedACLs(list)
		}
		return parseNetworkACLs(sub(top, "NetworkAcls"), checkedDoc)
	}
}

// bigUnknown notes the unknown keys of the big lists of top, on the slow
// path (the fast path's strict decode found none, or it would not have
// taken the file): their parsers decode them element by element, and
// report errors only.
func (l *loader) bigUnknown(root jsonloc.Loc, top map[string]json.RawMessage) {
	for _, k := range []string{"SecurityGroups", "SecurityGroupRules", "NetworkAcls"} {
		if raw, ok := top[k]; ok {
			var big bigLists
			l.unknown.note(jsonloc.UnknownKeys(k, raw, reflect.TypeOf(big.into(k)).Elem()))
		}
	}
}

// sumSeed seeds the hashes of the files' bytes (loader.sums).
var sumSeed = maphash.MakeSeed()

// slowPath turns readFile's fast path off (tests compare the two).
var slowPath = false

// decodeTop decodes a file's top-level object: in one pass through
// jsonloc.Top when it takes the document, else through jsonloc.Document,
// whose errors are exact.
func decodeTop(data []byte) (map[string]json.RawMessage, *bigLists, error) {
	var big bigLists
	if !slowPath {
		if top, ok := jsonloc.TopKnown(data, big.into); ok {
			big.fast = true
			detach(top, &big)
			return top, &big, nil
		}
	}
	big = bigLists{}
	var top map[string]json.RawMessage
	err := jsonloc.Document(data, &top)
	return top, &big, err
}

// detach copies the values of top that the fast path did not decode out
// of the file's bytes, which jsonloc.Top's values are slices of, and drops
// the text of the big lists, decoded already: the file's bytes (48 MB for
// the instances of 20,000 interfaces) are then garbage as soon as it is
// decoded, not alive while its records are taken in and the next file is
// decoded. The values are copied into one buffer.
func detach(top map[string]json.RawMessage, big *bigLists) {
	n := 0
	for k, raw := range top {
		if big.into(k) == nil {
			n += len(raw)
		}
	}
	buf := make([]byte, 0, n)
	for k, raw := range top {
		if big.into(k) != nil {
			top[k] = nil // read from big, never from its text
			continue
		}
		start := len(buf)
		buf = append(buf, raw...)
		top[k] = buf[start:len(buf):len(buf)]
	}
}

// readFiles reads the files in order, one at a time: each is read,
// decoded and taken in before the next is read, so that one file's bytes
// and decoded lists are in memory at once. (Decoding the next file on a
// second goroutine while taking in the one before held two large files
// at once, the security groups and their rules: on 20,000 interfaces the
// load's high-water mark was 1.5–2.5× the input that way and 1.2–1.6×
// this way, which takes about 15% longer; the collector still has the
// second core.)
func (l *loader) readFiles(src source, opts Options, files []string) {
	limit := opts.maxFileSize()
	opts.progress(0, len(files))
	for i, f := range files {
		if data, err := readLimited(src, f, limit); err != nil {
			l.errs = append(l.errs, err)
		} else {
			l.report.Files = append(l.report.Files, f)
			l.sums = append(l.sums, maphash.Bytes(sumSeed, data))
			l.readFile(f, data)
		}
		opts.progress(i+1, len(files))
	}
}

// readFile decodes one file's top-level object (decodeTop, which copies
// what it keeps: data is garbage once it returns) and reads its keys.
func (l *loader) readFile(file string, data []byte) {
	top, big, err := decodeTop(data)
	if err != nil {
		l.parserErr(file, err)
		return
	}
	root := jsonloc.Loc{File: file}
	l.unknown = unknownSeen{file: file}
	defer l.unknown.flush(l)
	if !big.fast {
		l.bigUnknown(root, top)
	}
	if top == nil {
		l.fail(root, "", "null", ErrInvalidDump, "the document is null, not an object: is this the output of an aws describe command?")
		return
	}
	if l.alibabaFile(root, top) { // alibaba_shape.go
		return
	}
	keys := slices.Sorted(maps.Keys(top))
	read := false
	var unknown []string
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
			enis := big.enis
			if !big.fast {
				enis, _ = decodeCheckedList[eniJSON](l, o, raw)
			} else if enis == nil {
				l.warn(o, nullList)
			}
			for i := range enis {
				if e := l.readENI(o.Index(i), &enis[i], ""); e != nil {
					if prev, dup := l.enisFile[e.id]; dup {
						l.fail(e.at.Field("NetworkInterfaceId"), e.id, e.id, ErrInvalidDump, "network interface %s is listed twice (first at %s)", e.id, prev.at)
						continue
					}
					l.enisFile[e.id] = e
				}
				enis[i] = eniJSON{} // garbage once read
			}
		case "Reservations":
			l.haveInstances = true
			reservations := big.reservations
			if !big.fast {
				reservations, _ = decodeCheckedList[reservationJSON](l, o, raw)
			} else if reservations == nil {
				l.warn(o, nullList)
			}
			l.readReservations(o, reservations)
		case "SecurityGroups":
			l.readGroups(file, big.securityGroups(top))
		case "SecurityGroupRules":
			l.readGroupRules(o, big.securityGroupRules(top))
		case "NetworkAcls":
			l.readACLs(file, big.networkACLs(top))
		case "RouteTables":
			l.readRouteTables(o, raw)
		case "InternetGateways":
			l.readIGWs(o, raw)
		case "NatGateways":
			l.readNATs(o, raw)
		case "EgressOnlyInternetGateways":
			l.readEgressOnlyIGWs(o, raw)
		case "VpcEndpoints":
			l.readVPCEndpoints(o, raw)
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
		case "VpcPeeringConnections":
			l.readPeerings(o, raw)
		case "Addresses":
			l.readAddresses(o, raw)
		case "VpcBlockPublicAccessOptions":
			l.readBPAOptions(o, raw)
		case "VpcBlockPublicAccessExclusions":
			l.readBPAExclusions(o, raw)
		case "NextToken":
			var tok *string
			if l.decode(o, raw, &tok) && tok != nil && *tok != "" {
				l.warn(o, "NextToken is set: this is one page of a paginated listing, and the other pages are missing unless other files hold them (the AWS CLI v2 fetches every page unless --max-items or --no-paginate is given)")
			}
		case "UpdateToken":
		default:
			if l.readTGWKey(top, k, o) { // transit gateways, see tgw.go
				read = true
				continue
			}
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
	"VpcPeeringConnections": true,
	"Addresses":             true, "VpcBlockPublicAccessOptions": true, "VpcBlockPublicAccessExclusions": true,
	"EgressOnlyInternetGateways": true, "VpcEndpoints": true,
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
