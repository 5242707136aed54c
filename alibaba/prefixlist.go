package alibaba

import (
	"errors"
	"net/netip"
	"strings"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// ErrInvalidPrefixList is wrapped by the errors of [ParsePrefixList].
var ErrInvalidPrefixList = errors.New("invalid prefix list")

// ParsePrefixList reads Alibaba Cloud's DescribePrefixListAttributes
// response, the prefix list a security group rule names by
// SourcePrefixListId or DestPrefixListId: PrefixListId (required),
// PrefixListName, AddressFamily ("IPv4" or "IPv6", any letter case;
// required), MaxEntries, and Entries.Entry[].Cidr. Other fields
// (RequestId, CreationTime, Description, entries' Description) are
// ignored.
//
// The list goes to [reach.Builder.AddPrefixList] (or, for package sg
// alone, to [sg.StaticResolver]'s PrefixLists under its ID). Every entry
// must be of the list's family, as Alibaba Cloud requires; a block is
// read with its host bits cleared, and a plain address as its /32 or
// /128 block, as Alibaba Cloud converts it; a block given twice is an
// error, as Alibaba Cloud refuses it. A list with no entries matches no
// address. A list with more entries than its MaxEntries (which Alibaba
// Cloud never holds: a hand-edited or merged document) is read with its
// entries as given, and, as the AWS reader does with such a list, flagged
// by [reach.Model.QuotaWarnings] (lint QUOTA_PREFIX_LIST_ENTRIES) under
// Alibaba Cloud's rule once Alibaba groups reference it in a model.
//
// Errors are *[flow.InputError] values whose Path is the JSON path (e.g.
// "Entries.Entry[2].Cidr"), Resource the list's ID when known, and Text
// the offending value; they wrap [ErrInvalidPrefixList], or [flow.ErrJSON]
// for input that does not decode.
func ParsePrefixList(data []byte) (reach.PrefixList, error) {
	var pj struct {
		PrefixListId   string
		PrefixListName string
		AddressFamily  string
		MaxEntries     int
		Entries        *struct {
			Entry []struct{ Cidr string }
		}
	}
	if err := jsonloc.Document(data, &pj); err != nil {
		return reach.PrefixList{}, jsonloc.WithResource(err, jsonloc.PeekString(data, "PrefixListId"))
	}
	if pj.PrefixListId == "" {
		return reach.PrefixList{}, jsonloc.Loc{Path: "PrefixListId"}.Fail("", ErrInvalidPrefixList, "the prefix list ID is missing")
	}
	l := jsonloc.Loc{Resource: pj.PrefixListId}
	var v6 bool
	switch strings.ToLower(pj.AddressFamily) {
	case "ipv4":
	case "ipv6":
		v6 = true
	default:
		return reach.PrefixList{}, l.Field("AddressFamily").Fail(pj.AddressFamily, ErrInvalidPrefixList, "want IPv4 or IPv6")
	}
	if pj.MaxEntries < 0 {
		return reach.PrefixList{}, l.Field("MaxEntries").Fail("", ErrInvalidPrefixList, "a negative maximum: %d", pj.MaxEntries)
	}
	pl := reach.PrefixList{ID: pj.PrefixListId, Name: pj.PrefixListName, MaxEntries: pj.MaxEntries, AddressFamily: family(v6)}
	if pj.Entries == nil {
		return pl, nil
	}
	seen := map[netip.Prefix]bool{}
	for i, e := range pj.Entries.Entry {
		el := l.Field("Entries.Entry").Index(i).Field("Cidr")
		p, err := el.ReadCIDR(e.Cidr, v6, true, ErrInvalidPrefixList)
		if err != nil {
			return reach.PrefixList{}, err
		}
		if seen[p] {
			return reach.PrefixList{}, el.Fail(e.Cidr, ErrInvalidPrefixList, "the block is listed twice")
		}
		seen[p] = true
		pl.Entries = append(pl.Entries, p)
	}
	return pl, nil
}

// family names an address family as AddressFamily spells it.
func family(v6 bool) string {
	if v6 {
		return "IPv6"
	}
	return "IPv4"
}
