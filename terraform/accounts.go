package terraform

import (
	"fmt"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/reachsim/reachsim/sg"
)

// Accounts and Regions. What AWS allows between two resources sometimes
// depends on whether they are of one account, or one Region: auto_accept
// accepts only a peering connection within one account
// (readPeering), a VPC attachment to another account's transit gateway
// waits for the owner's acceptance (tgwAcceptance), and no security
// group reference crosses an inter-region peering (interRegionRefs).
// A plan shows an account where a resource's values hold it (a VPC's
// owner_id, a transit gateway's owner_id, known once the resource
// exists), or where a data.aws_caller_identity of the resource's
// provider configuration reads it (account_id); and a Region where a
// resource's values hold it (region, in version 6 of the provider) or
// where a data.aws_region of its provider configuration reads it (region,
// or name). A data source of another provider configuration says nothing
// of the resource: two configurations may be of two accounts or Regions.
// Where the plan shows neither, the account or Region is unknown, and so
// is what depends on it; yet two resources of one provider configuration
// (one set of credentials) are of one account, shown or not, which
// tgwAcceptance relies on.

// shown is a value the plan shows, and what shows it.
type shown struct {
	value, by string
}

// knownString returns string attribute attr of in when the plan knows it
// ("" otherwise).
func knownString(in *instance, attr string) string {
	if in == nil || isUnknown(in.unknown, attr) {
		return ""
	}
	s, _ := in.values[attr].(string)
	return s
}

// providerFact records a data source whose value tells the account or
// Region of its provider configuration (data.aws_caller_identity,
// data.aws_region), with its configuration.
func (r *reader) providerFact(module string, sr *tfjson.StateResource, unknown any) {
	addr := modelAddr(sr.Address)
	for _, d := range r.facts {
		if d.addr == addr {
			return // in planned_values and in prior_state
		}
	}
	in := &instance{addr: addr, module: modelAddr(module), typ: "data." + sr.Type, values: sr.AttributeValues, unknown: unknown}
	if in.values == nil {
		in.values = map[string]any{}
	}
	if m := r.moduleConfig(in.module); m != nil {
		for _, c := range m.Resources {
			if c != nil && c.Mode == tfjson.DataResourceMode && c.Type == sr.Type && c.Name == sr.Name {
				in.cfg = c
			}
		}
	}
	r.facts = append(r.facts, in)
}

// providerKey returns the provider configuration of in as the plan's
// configuration names it ("aws", "aws.peer"), "" when the plan does not
// say.
func providerKey(in *instance) string {
	if in == nil || in.cfg == nil {
		return ""
	}
	return in.cfg.ProviderConfigKey
}

// fromProvider returns attribute attr of a data source of type typ of
// in's provider configuration, when the plan knows it.
func (r *reader) fromProvider(in *instance, typ string, attrs ...string) shown {
	key := providerKey(in)
	if key == "" {
		return shown{}
	}
	for _, d := range r.facts {
		if d.typ != typ || providerKey(d) != key {
			continue
		}
		for _, attr := range attrs {
			if v := knownString(d, attr); v != "" {
				return shown{v, d.addr + "." + attr}
			}
		}
	}
	return shown{}
}

// accountOf returns the account of in as the plan shows it: its
// owner_id (a VPC's, a transit gateway's), else the caller of its
// provider configuration.
func (r *reader) accountOf(in *instance) shown {
	if v := knownString(in, "owner_id"); v != "" {
		return shown{v, "owner_id of " + in.addr}
	}
	return r.fromProvider(in, "data.aws_caller_identity", "account_id")
}

// subnetOwner returns the owner of subnet in as [reach.Subnet.OwnerID],
// which decides whether zone names of two subnets compare (AWS maps them
// per account): the account the plan shows (accountOf), else that which
// another resource of its provider configuration shows (its owner_id: one
// set of credentials is one account), else, where the plan names the
// configuration, a name of it ("provider configuration aws.peer"),
// which only resources of that configuration share; "" when the plan
// names no configuration. Two subnets of configurations whose accounts
// are not shown are then of owners the input does not decide.
func (r *reader) subnetOwner(in *instance) string {
	if a := r.accountOf(in); a.value != "" {
		return a.value
	}
	key := providerKey(in)
	if key == "" {
		return ""
	}
	for _, o := range r.insts {
		if o.cfg != nil && providerKey(o) == key && (o.typ == "aws_subnet" || o.typ == "aws_vpc") {
			if v := knownString(o, "owner_id"); v != "" {
				return v
			}
		}
	}
	return "provider configuration " + key
}

// regionOf returns the Region of in as the plan shows it: its region,
// else that of its provider configuration.
func (r *reader) regionOf(in *instance) shown {
	if v := knownString(in, "region"); v != "" {
		return shown{v, "region of " + in.addr}
	}
	return r.fromProvider(in, "data.aws_region", "region", "name")
}

// interRegionRefs makes each rule of g that references a group of a VPC
// that a peering connection of the plan joins, or may join, to g's VPC
// across Regions (peeringRegions) one whose match is unknown
// (reach.Builder.AddUnknownPortsOf, among the group's members): AWS does
// not support a security group reference across an inter-region peering
// (Amazon VPC Peering Guide, "Update your security groups to reference
// peer security groups"), and refuses such a rule, which the model
// would otherwise match across the connection as within a Region. A
// query only such a rule could allow is then indeterminate, naming it.
func (r *reader) interRegionRefs(g *sg.Group) {
	if len(r.ext.interRegion) == 0 || g.VPCID == "" {
		return
	}
	for i, rule := range g.Rules {
		_, refID := sg.SplitGroupRef(rule.Peer.Group) // "account/sg-…" as Terraform keeps a group of another account
		ref := r.sgs.byID[refID]
		if rule.Peer.Kind != sg.PeerGroup || ref == nil || ref.VPCID == "" || ref.VPCID == g.VPCID {
			continue
		}
		for _, ir := range r.ext.interRegion {
			if !(ir.p.RequesterVPC == g.VPCID && ir.p.AccepterVPC == ref.VPCID || ir.p.RequesterVPC == ref.VPCID && ir.p.AccepterVPC == g.VPCID) {
				continue
			}
			id := g.ID + ":inter-region@" + ref.ID
			if !r.sgs.unknownPeers[id] {
				what := fmt.Sprintf("%s: a rule referencing %s, a group of %s, which %s joins to %s %s: AWS does not support a security group reference across an inter-region peering (reference the peer VPC's CIDR blocks instead)",
					g.ID, ref.ID, ref.VPCID, ir.p.ID, g.VPCID, ir.how)
				r.sgs.unknownPeers[id] = true
				r.b.AddUnknownPortsOf(id, what, sg.GroupRef(ref.ID))
				r.rep.Warnings = append(r.rep.Warnings, what+": the queries this rule alone could allow are indeterminate")
			}
			g.Rules[i].Peer = sg.GroupRef(id)
			break
		}
	}
}
