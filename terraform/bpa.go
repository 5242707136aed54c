package terraform

import (
	"fmt"

	"github.com/reachsim/reachsim/reach"
)

// VPC Block Public Access: aws_vpc_block_public_access_options (the
// Region's mode) and aws_vpc_block_public_access_exclusion (a VPC or a
// subnet exempted), read into [reach.BlockPublicAccess] as the aws loader
// reads describe-vpc-block-public-access-options and -exclusions.

// bpaRec is what the plan says of Block Public Access.
type bpaRec struct {
	opts       *instance // the aws_vpc_block_public_access_options read, nil when none
	mode       reach.BlockMode
	exclusions []reach.BlockExclusion
	exclOf     []*instance // the resource of each exclusion
}

var tfBlockModes = map[string]reach.BlockMode{"off": reach.BlockOff, "block-bidirectional": reach.BlockBidirectional, "block-ingress": reach.BlockIngress}

var tfExclusionModes = map[string]reach.ExclusionMode{"allow-bidirectional": reach.AllowBidirectional, "allow-egress": reach.AllowEgress}

// readBPAOptions reads an aws_vpc_block_public_access_options: the mode of
// its Region. A mode known only after apply is an error wrapping
// [ErrUnknownValue]; a second options resource of the plan, one wrapping
// [ErrInvalidPlan].
func (r *reader) readBPAOptions(in *instance) {
	s, ok := r.str(in, "internet_gateway_block_mode", true)
	if !ok {
		return
	}
	mode, ok := tfBlockModes[s]
	if !ok {
		r.fail(in, "internet_gateway_block_mode", s, ErrInvalidPlan, "unknown Block Public Access mode (off, block-bidirectional or block-ingress)")
		return
	}
	if old := r.bpa.opts; old != nil {
		if a, b := r.regionOf(old), r.regionOf(in); a.value == "" || a.value == b.value {
			r.fail(in, "", "", ErrInvalidPlan, "%s already sets the Block Public Access mode of its Region", old.addr)
		} else {
			r.fail(in, "", "", ErrInvalidPlan, "%s sets the Block Public Access mode of %s (%s): reachsim models one Region's mode at a time", old.addr, a.value, a.by)
		}
		return
	}
	r.bpa.opts, r.bpa.mode = in, mode
}

// readBPAExclusion reads an aws_vpc_block_public_access_exclusion: the
// VPC (vpc_id) or subnet (subnet_id) it exempts, and its mode. A value
// known only after apply that no reference resolves is an error wrapping
// [ErrUnknownValue].
func (r *reader) readBPAExclusion(in *instance) {
	x := reach.BlockExclusion{ID: in.id}
	x.VPC, _ = r.linkOne(in, "vpc_id", "aws_vpc", "data.aws_vpc")
	x.Subnet, _ = r.linkOne(in, "subnet_id", "aws_subnet", "data.aws_subnet")
	s, ok := r.str(in, "internet_gateway_exclusion_mode", true)
	if !ok {
		return
	}
	mode, ok := tfExclusionModes[s]
	if !ok {
		r.fail(in, "internet_gateway_exclusion_mode", s, ErrInvalidPlan, "unknown exclusion mode (allow-bidirectional or allow-egress)")
		return
	}
	x.Mode = mode
	switch {
	case x.VPC != "" && x.Subnet != "":
		r.fail(in, "", "", ErrInvalidPlan, "an exclusion names a VPC (vpc_id) or a subnet (subnet_id), not both")
		return
	case x.VPC == "" && x.Subnet == "":
		if !isUnknown(in.unknown, "vpc_id") && !isUnknown(in.unknown, "subnet_id") {
			r.fail(in, "", "", ErrInvalidPlan, "an exclusion names a VPC (vpc_id) or a subnet (subnet_id): it names neither")
		}
		return // an unresolved one is linkOne's error
	}
	r.bpa.exclusions = append(r.bpa.exclusions, x)
	r.bpa.exclOf = append(r.bpa.exclOf, in)
}

// finishBPA gives the builder the plan's Block Public Access. The mode
// applies to the VPCs of the options' Region: a VPC the plan shows in
// another Region is exempted (an allow-bidirectional exclusion named
// after it, with a warning); a VPC of another provider configuration
// whose Region the plan does not show is an error wrapping
// [ErrUnknownValue] (whether the mode applies to it is unknown).
// Exclusions without the options warn that the mode is taken as off.
func (r *reader) finishBPA() {
	if r.bpa.opts == nil {
		if len(r.bpa.exclusions) > 0 {
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: a Block Public Access exclusion, but the plan does not set the Region's mode (aws_vpc_block_public_access_options): Block Public Access is taken as off",
				r.bpa.exclOf[0].addr))
		}
		r.b.SetBlockPublicAccess(reach.BlockPublicAccess{Exclusions: r.bpa.exclusions})
		return
	}
	out := reach.BlockPublicAccess{Mode: r.bpa.mode, Exclusions: r.bpa.exclusions}
	excluded := map[string]bool{}
	for _, x := range r.bpa.exclusions {
		excluded[x.VPC] = true
	}
	opts := r.bpa.opts
	for _, v := range r.insts {
		if (v.typ != "aws_vpc" && v.typ != "data.aws_vpc") || out.Mode == reach.BlockOff {
			continue
		}
		ro, rv := r.regionOf(opts), r.regionOf(v)
		switch {
		case ro.value != "" && rv.value != "" && ro.value != rv.value:
			if !excluded[v.id] {
				out.Exclusions = append(out.Exclusions, reach.BlockExclusion{ID: "outside the Region of " + opts.addr, VPC: v.id, Mode: reach.AllowBidirectional})
				excluded[v.id] = true
			}
			r.rep.Warnings = append(r.rep.Warnings, fmt.Sprintf("%s: in %s (%s), not in %s (%s): the Block Public Access mode %s of %s does not apply to it, and its own Region's mode is taken as off",
				v.addr, rv.value, rv.by, ro.value, ro.by, out.Mode, opts.addr))
		case ro.value != "" && rv.value == ro.value:
		case providerKey(opts) != providerKey(v):
			r.fail(v, "", "", ErrUnknownValue, "of provider configuration %q, and %s (Block Public Access %s) of %q: the plan shows the Region of neither one or both (region, or a data.aws_region of the configuration), so whether the mode applies to it is unknown",
				providerKey(v), opts.addr, out.Mode, providerKey(opts))
		}
	}
	r.b.SetBlockPublicAccess(out)
}
