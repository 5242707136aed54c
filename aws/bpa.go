package aws

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/reach"
)

// VPC Block Public Access: describe-vpc-block-public-access-options,
// describe-vpc-block-public-access-exclusions, and the
// BlockPublicAccessStates of describe-vpcs.

type bpaOptionsJSON struct {
	bpaOptionsUnread
	InternetGatewayBlockMode string
	State                    string
	AwsRegion                string
}

type bpaExclusionJSON struct {
	bpaExclusionUnread
	ExclusionId                  string
	InternetGatewayExclusionMode string
	ResourceArn                  string
	State                        string
}

// bpaRec is what the files say of Block Public Access.
type bpaRec struct {
	mode       reach.BlockMode
	modeAt     jsonloc.Loc
	haveMode   bool
	exclusions []reach.BlockExclusion
	exclAt     []jsonloc.Loc
}

var blockModes = map[string]reach.BlockMode{"off": reach.BlockOff, "block-bidirectional": reach.BlockBidirectional, "block-ingress": reach.BlockIngress}

func (l *loader) blockMode(o jsonloc.Loc, s string) (reach.BlockMode, bool) {
	m, ok := blockModes[s]
	if !ok {
		l.fail(o, "", s, ErrInvalidDump, "unknown Block Public Access mode (off, block-bidirectional or block-ingress)")
	}
	return m, ok
}

func (l *loader) readBPAOptions(o jsonloc.Loc, raw json.RawMessage) {
	var opt *bpaOptionsJSON
	if !l.decodeKnown(o, raw, &opt) || opt == nil {
		return
	}
	if !l.require(o, "", "InternetGatewayBlockMode", opt.InternetGatewayBlockMode) {
		return
	}
	mode, ok := l.blockMode(o.Field("InternetGatewayBlockMode"), opt.InternetGatewayBlockMode)
	if !ok {
		return
	}
	if l.bpa.haveMode {
		l.fail(o, "", "", ErrInvalidDump, "Block Public Access options are given twice (first at %s)", l.bpa.modeAt)
		return
	}
	if opt.State == "update-in-progress" {
		l.warn(o.Field("State"), "Block Public Access is being updated: its mode %s is taken as it is now", opt.InternetGatewayBlockMode)
	}
	l.bpa.mode, l.bpa.modeAt, l.bpa.haveMode = mode, o.Field("InternetGatewayBlockMode"), true
}

func (l *loader) readBPAExclusions(o jsonloc.Loc, raw json.RawMessage) {
	xs, _ := decodeCheckedList[bpaExclusionJSON](l, o, raw)
	for i, x := range xs {
		at := o.Index(i)
		if !l.require(at, "", "ExclusionId", x.ExclusionId) || !l.claim("Block Public Access exclusion", x.ExclusionId, at.Field("ExclusionId")) ||
			!l.require(at, x.ExclusionId, "ResourceArn", x.ResourceArn) || !l.require(at, x.ExclusionId, "InternetGatewayExclusionMode", x.InternetGatewayExclusionMode) {
			continue
		}
		ex := reach.BlockExclusion{ID: x.ExclusionId}
		switch x.InternetGatewayExclusionMode {
		case "allow-bidirectional":
			ex.Mode = reach.AllowBidirectional
		case "allow-egress":
			ex.Mode = reach.AllowEgress
		default:
			l.fail(at.Field("InternetGatewayExclusionMode"), x.ExclusionId, x.InternetGatewayExclusionMode, ErrInvalidDump, "unknown exclusion mode (allow-bidirectional or allow-egress)")
			continue
		}
		if kind, id, ok := strings.Cut(resourceOf(x.ResourceArn), "/"); ok && kind == "vpc" {
			ex.VPC = id
		} else if ok && kind == "subnet" {
			ex.Subnet = id
		} else {
			l.fail(at.Field("ResourceArn"), x.ExclusionId, x.ResourceArn, ErrInvalidDump, "not the ARN of a VPC or a subnet (arn:aws:ec2:region:account:vpc/vpc-… or …:subnet/subnet-…)")
			continue
		}
		switch x.State {
		case "create-complete", "update-complete", "":
		case "update-in-progress", "update-failed":
			l.warn(at.Field("State"), "exclusion %s is %s: taken as it is now (%s)", x.ExclusionId, x.State, x.InternetGatewayExclusionMode)
		default:
			l.warn(at.Field("State"), "exclusion %s is %s: left out", x.ExclusionId, x.State)
			continue
		}
		l.bpa.exclusions = append(l.bpa.exclusions, ex)
		l.bpa.exclAt = append(l.bpa.exclAt, at)
	}
}

// resourceOf is the resource part of an ARN: "vpc/vpc-1" of
// "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1".
func resourceOf(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[0] != "arn" {
		return ""
	}
	return parts[5]
}

// assembleBPA settles the Region's mode (the options file; else the VPCs'
// BlockPublicAccessStates, which must agree) and leaves out, with a
// warning, exclusions of VPCs and subnets the input does not hold.
func (l *loader) assembleBPA() reach.BlockPublicAccess {
	out := reach.BlockPublicAccess{Mode: l.bpa.mode}
	for _, v := range slices.Concat(l.vpcs, l.bpaOnly) {
		if v.bpaState == "" {
			continue
		}
		mode, ok := blockModes[v.bpaState]
		if !ok {
			l.fail(v.bpaAt, v.vpc.ID, v.bpaState, ErrInvalidDump, "unknown Block Public Access mode (off, block-bidirectional or block-ingress)")
			continue
		}
		switch {
		case !l.bpa.haveMode:
			out.Mode, l.bpa.haveMode, l.bpa.modeAt = mode, true, v.bpaAt
		case mode != out.Mode:
			l.warn(v.bpaAt, "%s says Block Public Access is %s, but %s says %s: %s is used", v.vpc.ID, mode, l.bpa.modeAt, out.Mode, out.Mode)
		}
	}
	for i, x := range l.bpa.exclusions {
		_, vpc := l.out.vpcByID[x.VPC]
		_, subnet := l.out.subnetBy[x.Subnet]
		if !vpc && !subnet {
			l.warn(l.bpa.exclAt[i], "exclusion %s: %s%s is not in the input: left out", x.ID, x.VPC, x.Subnet)
			continue
		}
		out.Exclusions = append(out.Exclusions, x)
	}
	if len(l.bpa.exclusions) > 0 && out.Mode == reach.BlockOff {
		l.warn(l.bpa.exclAt[0], "Block Public Access exclusions are given, but Block Public Access is off (or no file says its mode: add describe-vpc-block-public-access-options)")
	}
	return out
}

// at is where exclusion id was listed.
func (b *bpaRec) at(id string) jsonloc.Loc {
	for i, x := range b.exclusions {
		if x.ID == id {
			return b.exclAt[i]
		}
	}
	return jsonloc.Loc{}
}
