package terraform_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

func bpaOptions(mode any) planRes {
	p := planRes{typ: "aws_vpc_block_public_access_options", name: "this", values: map[string]any{"internet_gateway_block_mode": mode},
		unknown: map[string]any{"id": true, "aws_account_id": true, "aws_region": true}}
	if mode == nil {
		p.values, p.unknown = map[string]any{}, map[string]any{"id": true, "internet_gateway_block_mode": true}
	}
	return p
}

func bpaExclusion(name, attr string, target any, mode string) planRes {
	p := planRes{typ: "aws_vpc_block_public_access_exclusion", name: name, values: map[string]any{attr: target, "internet_gateway_exclusion_mode": mode},
		unknown: map[string]any{"id": true, "resource_arn": true}}
	if target == nil {
		p.values = map[string]any{"internet_gateway_exclusion_mode": mode}
		p.unknown = map[string]any{"id": true, attr: true}
		p.exprs = map[string]any{attr: []string{"var.vpc"}}
	}
	return p
}

// A plan's aws_vpc_block_public_access_options sets the Region's VPC
// Block Public Access mode, and aws_vpc_block_public_access_exclusion
// exempts a VPC or subnet ("block-bidirectional: Block all traffic to and
// from internet gateways and egress-only internet gateways in this
// Region (except for excluded VPCs and subnets)", EC2 API Reference,
// VpcBlockPublicAccessOptions): the model applies them as aws.Load does.
func TestBlockPublicAccessFromPlan(t *testing.T) {
	bpa := reach.VPCBlockPublicAccess
	for _, tt := range []struct {
		name    string
		extra   []planRes
		in, out []reach.Code // nil: reachable
		warn    string
	}{
		{"block-bidirectional", []planRes{bpaOptions("block-bidirectional")}, []reach.Code{bpa}, []reach.Code{bpa}, ""},
		{"block-ingress", []planRes{bpaOptions("block-ingress")}, []reach.Code{bpa}, []reach.Code{bpa.OnLeg(reach.Return)}, ""},
		{"off", []planRes{bpaOptions("off")}, nil, nil, ""},
		{"subnet excluded allow-bidirectional", []planRes{bpaOptions("block-bidirectional"), bpaExclusion("pub", "subnet_id", "subnet-1", "allow-bidirectional")}, nil, nil, ""},
		{"VPC excluded allow-egress", []planRes{bpaOptions("block-bidirectional"), bpaExclusion("main", "vpc_id", "vpc-1", "allow-egress")}, []reach.Code{bpa}, nil, ""},
		{"an exclusion without the options", []planRes{bpaExclusion("main", "vpc_id", "vpc-1", "allow-egress")}, nil, nil,
			"aws_vpc_block_public_access_exclusion.main: a Block Public Access exclusion, but the plan does not set the Region's mode"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false), append(tt.extra, publicWeb())...)...), &rep)
			require.NoError(t, err)
			for _, c := range []struct {
				q    reach.Query
				want []reach.Code
			}{{tcp("198.51.100.7", "aws_instance.web", 443), tt.in}, {tcp("aws_instance.web", "198.51.100.7", 443), tt.out}} {
				r, err := m.Check(c.q)
				require.NoError(t, err)
				if c.want == nil {
					assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
				} else {
					assert.Equal(t, c.want, r.Codes(), r.Text())
				}
			}
			assert.Empty(t, rep.Unmodelled)
			if tt.warn == "" {
				assert.Empty(t, rep.Warnings)
			} else {
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), tt.warn)
			}
		})
	}
}

// What the plan leaves unknown (the mode, the excluded VPC) or gets wrong
// is an error naming the resource and attribute, never a guess.
func TestBlockPublicAccessFromPlanErrors(t *testing.T) {
	two := bpaOptions("block-ingress")
	two.name = "again"
	twoRegion := bpaOptions("block-ingress") // in a Region the plan shows, after one whose Region it does not
	twoRegion.name, twoRegion.values["region"] = "again", "us-east-1"
	both := bpaExclusion("x", "vpc_id", "vpc-1", "allow-egress")
	both.values["subnet_id"] = "subnet-1"
	for _, tt := range []struct {
		name  string
		extra []planRes
		is    error
		want  string
	}{
		{"mode known only after apply", []planRes{bpaOptions(nil)}, terraform.ErrUnknownValue,
			"aws_vpc_block_public_access_options.this: internet_gateway_block_mode: known only after apply: the model needs it"},
		{"unknown mode", []planRes{bpaOptions("block-all")}, terraform.ErrInvalidPlan,
			`aws_vpc_block_public_access_options.this: internet_gateway_block_mode: "block-all": invalid Terraform plan: unknown Block Public Access mode`},
		{"two options", []planRes{bpaOptions("block-bidirectional"), two}, terraform.ErrInvalidPlan,
			"aws_vpc_block_public_access_options.this already sets the Block Public Access mode of its Region"},
		{"two options, the first's Region unknown", []planRes{bpaOptions("block-bidirectional"), twoRegion}, terraform.ErrInvalidPlan,
			"aws_vpc_block_public_access_options.this already sets the Block Public Access mode of its Region"},
		{"excluded VPC known only after apply", []planRes{bpaOptions("block-bidirectional"), bpaExclusion("x", "vpc_id", nil, "allow-egress")}, terraform.ErrUnknownValue,
			"aws_vpc_block_public_access_exclusion.x: vpc_id"},
		{"unknown exclusion mode", []planRes{bpaOptions("block-bidirectional"), bpaExclusion("x", "vpc_id", "vpc-1", "allow-all")}, terraform.ErrInvalidPlan,
			`aws_vpc_block_public_access_exclusion.x: internet_gateway_exclusion_mode: "allow-all"`},
		{"an exclusion of neither", []planRes{bpaOptions("block-bidirectional"), {typ: "aws_vpc_block_public_access_exclusion", name: "x",
			values: map[string]any{"internet_gateway_exclusion_mode": "allow-egress"}}}, terraform.ErrInvalidPlan, "it names neither"},
		{"an exclusion of both", []planRes{bpaOptions("block-bidirectional"), both}, terraform.ErrInvalidPlan,
			"aws_vpc_block_public_access_exclusion.x: invalid Terraform plan: an exclusion names a VPC (vpc_id) or a subnet (subnet_id), not both"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false), append(tt.extra, publicWeb())...)...), nil)
			require.ErrorIs(t, err, tt.is)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// The mode of aws_vpc_block_public_access_options is its Region's: a VPC
// the plan shows in another Region keeps its internet (with a warning).
func TestBlockPublicAccessFromPlanOtherRegion(t *testing.T) {
	opts := bpaOptions("block-bidirectional")
	opts.values["region"] = "us-east-1"
	net := existingPublicNet(false)
	net[0].values["region"] = "eu-west-1"
	var rep terraform.Report
	m, err := terraform.Parse("plan.json", planOf(t, append(net, opts, publicWeb())...), &rep)
	require.NoError(t, err)
	r, err := m.Check(tcp("198.51.100.7", "aws_instance.web", 443))
	require.NoError(t, err)
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	assert.Contains(t, strings.Join(rep.Warnings, "\n"), "aws_vpc.main: in eu-west-1 (region of aws_vpc.main), not in us-east-1")
}
