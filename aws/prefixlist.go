package aws

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/netip"
	slashpath "path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
)

// Managed prefix lists: describe-managed-prefix-lists and
// get-managed-prefix-list-entries; and the AWS-managed lists of services
// (S3, DynamoDB) with their CIDRs: describe-prefix-lists.

type listRec struct {
	list      reach.PrefixList
	at        jsonloc.Loc
	described bool
	entries   bool
	entryAt   []jsonloc.Loc
	// onePage: the entries are one page of get-managed-prefix-list-entries
	// (its NextToken is set): the others are not in the input
	onePage bool
}

var prefixListID = regexp.MustCompile(`pl-[0-9A-Za-z]+`)

// listJSON is an element of PrefixLists: of describe-managed-prefix-lists
// or of describe-prefix-lists.
type listJSON struct {
	prefixListUnread
	PrefixListId, PrefixListName string
	OwnerId                      string // "AWS" for an AWS-managed list
	MaxEntries                   int
	AddressFamily                string   // describe-managed-prefix-lists: IPv4 or IPv6
	Cidrs                        []string // describe-prefix-lists
}

// prefixEntryJSON is an element of get-managed-prefix-list-entries'
// Entries.
type prefixEntryJSON struct {
	prefixEntryUnread
	Cidr string
}

// readPrefixLists reads a file's PrefixLists and Entries: Entries belong to
// the file's only prefix list, or to the list its name holds.
func (l *loader) readPrefixLists(file string, top map[string]json.RawMessage) {
	root := jsonloc.Loc{File: file}
	var described []*listRec
	if raw, ok := top["PrefixLists"]; ok {
		o := root.Field("PrefixLists")
		lists, _ := decodeCheckedList[listJSON](l, o, raw)
		for i, p := range lists {
			at := o.Index(i)
			if !l.require(at, "", "PrefixListId", p.PrefixListId) {
				continue
			}
			r := l.lists[p.PrefixListId]
			switch {
			case r == nil:
				r = &listRec{list: reach.PrefixList{ID: p.PrefixListId}}
				l.lists[p.PrefixListId] = r
			case r.described && r.list.Name != p.PrefixListName:
				l.fail(at.Field("PrefixListName"), p.PrefixListId, p.PrefixListName, ErrInvalidDump, "prefix list %s is named %q here and %q at %s", p.PrefixListId, p.PrefixListName, r.list.Name, r.at)
				continue
			}
			// A list described in several files (all lists, and one list
			// merged with its entries) is one list.
			if !r.described {
				r.described, r.at, r.list.Name, r.list.MaxEntries = true, at, p.PrefixListName, p.MaxEntries
			}
			// an AWS-managed list counts against the quotas as its weight
			// (reach.AWSListWeight); describe-prefix-lists lists AWS's only
			r.list.AWSManaged = r.list.AWSManaged || p.OwnerId == "AWS" || p.Cidrs != nil
			switch p.AddressFamily {
			case "", r.list.AddressFamily:
			case sg.FamilyIPv4, sg.FamilyIPv6:
				if r.list.AddressFamily != "" {
					l.fail(at.Field("AddressFamily"), p.PrefixListId, p.AddressFamily, ErrInvalidDump, "prefix list %s is %s here and %s elsewhere", p.PrefixListId, p.AddressFamily, r.list.AddressFamily)
					continue
				}
				r.list.AddressFamily = p.AddressFamily // a list holds blocks of its family only
			default:
				l.fail(at.Field("AddressFamily"), p.PrefixListId, p.AddressFamily, ErrInvalidDump, "an address family is IPv4 or IPv6")
				continue
			}
			described = append(described, r)
			if p.Cidrs != nil {
				l.readServiceCidrs(r, at.Field("Cidrs"), p.Cidrs)
			}
		}
	}
	raw, ok := top["Entries"]
	if !ok {
		return
	}
	o := root.Field("Entries")
	var r *listRec
	switch ids := slices.Compact(slices.Sorted(slices.Values(prefixListID.FindAllString(slashpath.Base(filepath.ToSlash(file)), -1)))); {
	case len(described) == 1:
		r = described[0]
	case len(described) > 1:
		l.fail(o, "", "", ErrInvalidDump, "Entries cannot be told apart: the file's PrefixLists names %d lists; give each list's entries a file of its own", len(described))
		return
	case len(ids) == 1:
		r = l.lists[ids[0]]
		if r == nil {
			r = &listRec{list: reach.PrefixList{ID: ids[0]}, at: o}
			l.lists[ids[0]] = r
		}
	default:
		l.fail(o, "", "", ErrInvalidDump, "Entries of an unknown prefix list: get-managed-prefix-list-entries does not print the list's ID, so name the file after it (pl-0123456789abcdef0.json) or merge the list's PrefixLists from describe-managed-prefix-lists --prefix-list-ids into it")
		return
	}
	if r.entries {
		l.fail(o, r.list.ID, "", ErrInvalidDump, "entries of prefix list %s are given twice (first at %s)", r.list.ID, r.entryAt[0].File)
		return
	}
	r.entries = true
	if r.at.File == "" {
		r.at = o
	}
	var tok string
	if raw, ok := top["NextToken"]; ok && json.Unmarshal(raw, &tok) == nil && tok != "" {
		r.onePage = true // load.go warns of the page
	}
	entries, _ := decodeCheckedList[prefixEntryJSON](l, o, raw)
	for i, e := range entries {
		at := o.Index(i)
		if !l.require(at, r.list.ID, "Cidr", e.Cidr) {
			continue
		}
		if p, ok := l.prefix(at.Field("Cidr"), r.list.ID, e.Cidr, famAny); ok {
			r.list.Entries = append(r.list.Entries, p)
			r.entryAt = append(r.entryAt, at.Field("Cidr"))
		}
	}
	if len(r.entryAt) == 0 {
		r.entryAt = append(r.entryAt, o) // for the message above
		r.list.Entries = []netip.Prefix{}
	}
}

// assembleLists gives the builder the lists read, and declares unresolved
// ([reach.Builder.AddUnresolvedPrefixList]) each list that a security
// group rule, a route or a firewall's IP set reference uses and whose
// entries no file holds, with a warning at the list or at its first use:
// which addresses it holds is unknown, so what only it could decide is
// indeterminate, never answered as if it were empty.
func (l *loader) assembleLists() {
	type use struct {
		at  jsonloc.Loc
		who string
	}
	used := map[string]use{}
	note := func(id string, at func() jsonloc.Loc, who func() string) {
		if _, ok := used[id]; !ok {
			used[id] = use{at(), who()}
		}
	}
	for gi, g := range l.out.groups {
		for ri, r := range g.Rules {
			if r.Peer.Kind == sg.PeerPrefixList {
				note(r.Peer.PrefixList, func() jsonloc.Loc { return l.out.groupAt[gi].lookup(fmt.Sprintf("Rules[%d]", ri)) },
					func() string { return g.ID + " rule " + r.Label(ri) })
			}
		}
	}
	for _, r := range l.rts {
		for j, rt := range r.rt.Routes {
			if rt.PrefixList != "" {
				note(rt.PrefixList, func() jsonloc.Loc { return r.routeAt[j].dest }, func() string { return "a route of " + r.rt.ID })
			}
		}
	}
	for i, f := range l.out.fws {
		for _, g := range f.Policy.Stateful.Groups {
			for _, arn := range g.Group.IPSetReferences {
				if strings.Contains(arn, ":resource-groups:") {
					continue // a resource group, no prefix list (reach.Model.IPSet)
				}
				note(arn[strings.LastIndex(arn, "/")+1:], func() jsonloc.Loc { return l.out.fwAt[i].base },
					func() string { return "an IP set reference of firewall " + f.ID })
			}
		}
	}
	for _, id := range slices.Sorted(maps.Keys(used)) {
		if r := l.lists[id]; r == nil {
			u := used[id]
			l.warn(u.at, "prefix list %s (used by %s) is not in the input: which addresses it holds is unknown, so what only it could decide is indeterminate (check, ports and sources exit 3); add aws ec2 describe-managed-prefix-lists --prefix-list-ids %s and get-managed-prefix-list-entries --prefix-list-id %s --output json > %s.json",
				id, u.who, id, id, id)
			l.out.unresolvedLists = append(l.out.unresolvedLists, id)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(l.lists)) {
		r := l.lists[id]
		_, isUsed := used[id]
		switch {
		case isUsed && !r.entries:
			l.warn(r.at, "prefix list %s is used but its entries are not in the input: which addresses it holds is unknown, so what only it could decide is indeterminate (check, ports and sources exit 3); add aws ec2 get-managed-prefix-list-entries --prefix-list-id %s --output json > %s.json", id, id, id)
			r.list.EntriesUnknown, r.list.Entries = true, nil // its MaxEntries still counts against the quotas
		case isUsed && r.onePage:
			l.warn(r.entryAt[0], "prefix list %s is used and its entries are one page of get-managed-prefix-list-entries (NextToken is set): its other entries are not in the input, so what only it could decide is indeterminate (check, ports and sources exit 3); fetch every page (aws ec2 get-managed-prefix-list-entries --prefix-list-id %s --output json > %s.json, without --max-items)", id, id, id)
			r.list.EntriesUnknown, r.list.Entries = true, nil
		}
		l.out.lists = append(l.out.lists, r)
	}
	slices.Sort(l.out.unresolvedLists)
}

// readServiceCidrs reads the Cidrs that describe-prefix-lists gives an
// AWS-managed service list, at o, into r. Entries given elsewhere too
// (get-managed-prefix-list-entries, or another describe-prefix-lists) must
// be the same blocks.
func (l *loader) readServiceCidrs(r *listRec, o jsonloc.Loc, cidrs []string) {
	var ps []netip.Prefix
	var at []jsonloc.Loc
	for j, c := range cidrs {
		if p, ok := l.prefix(o.Index(j), r.list.ID, c, famAny); ok {
			ps = append(ps, p)
			at = append(at, o.Index(j))
		}
	}
	if r.entries {
		a, b := slices.Clone(r.list.Entries), slices.Clone(ps)
		cmp := func(x, y netip.Prefix) int { return strings.Compare(x.String(), y.String()) }
		slices.SortFunc(a, cmp)
		slices.SortFunc(b, cmp)
		if !slices.Equal(a, b) {
			l.fail(o, r.list.ID, "", ErrInvalidDump, "the CIDRs of prefix list %s differ from its entries at %s", r.list.ID, r.entryAt[0])
		}
		return
	}
	r.entries, r.list.Entries, r.entryAt = true, ps, at
	if len(r.entryAt) == 0 {
		r.entryAt = append(r.entryAt, o)
		r.list.Entries = []netip.Prefix{}
	}
}
