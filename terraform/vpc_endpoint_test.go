package terraform_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

const s3Service = "com.amazonaws.eu-west-1.s3"

// privateNet are the data sources of a network that exists: vpc-1
// (10.0.0.0/16) with subnet-1 (10.0.1.0/24), whose route table rtb-2
// holds no route but the local one: no NAT gateway, no internet gateway.
func privateNet() []map[string]any {
	return []map[string]any{
		{"type": "aws_vpc", "name": "main", "values": map[string]any{"id": "vpc-1", "cidr_block": "10.0.0.0/16",
			"main_route_table_id": "rtb-1", "default_network_acl_id": "acl-1"}},
		{"type": "aws_subnet", "name": "app", "values": map[string]any{"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.1.0/24", "availability_zone": "eu-west-1a"}},
		{"type": "aws_route_table", "name": "private", "values": map[string]any{"id": "rtb-2", "vpc_id": "vpc-1",
			"routes": []any{}, "associations": []any{map[string]any{"main": false, "subnet_id": "subnet-1"}}}},
	}
}

// s3List is the data source that gives the S3 list's entries, in either
// form.
func s3List(typ string) map[string]any {
	if typ == "aws_prefix_list" {
		return map[string]any{"type": typ, "name": "s3", "values": map[string]any{"id": "pl-6da54004", "prefix_list_id": "pl-6da54004",
			"name": s3Service, "cidr_blocks": []any{"52.218.0.0/17", "3.5.64.0/21"}}}
	}
	return map[string]any{"type": typ, "name": "s3", "values": map[string]any{"id": "pl-6da54004", "name": s3Service, "address_family": "IPv4",
		"max_entries": 2, "entries": []any{map[string]any{"cidr": "52.218.0.0/17"}, map[string]any{"cidr": "3.5.64.0/21"}}}}
}

// s3Endpoint is aws_vpc_endpoint.s3, an S3 gateway endpoint of vpc-1 that
// exists (vpce-1, its prefix list pl-6da54004), in the route tables given,
// its cidr_blocks (the provider's read of the list) those given.
func s3Endpoint(tables []any, cidrs []any) planRes {
	return planRes{typ: "aws_vpc_endpoint", name: "s3", values: map[string]any{"id": "vpce-1", "vpc_id": "vpc-1", "service_name": s3Service,
		"vpc_endpoint_type": "Gateway", "ip_address_type": "ipv4", "route_table_ids": tables, "prefix_list_id": "pl-6da54004", "cidr_blocks": cidrs,
		"policy": `{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`}}
}

// appInstance is aws_instance.app, new, in subnet-1, with a group allowing
// HTTPS out to anywhere.
func appInstance() []planRes {
	return []planRes{
		{typ: "aws_security_group", name: "app", values: map[string]any{"name": "app", "vpc_id": "vpc-1", "ingress": []any{},
			"egress": []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": []any{"0.0.0.0/0"}}}},
			unknown: map[string]any{"id": true}, exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
		{typ: "aws_instance", name: "app", values: map[string]any{"subnet_id": "subnet-1", "associate_public_ip_address": false},
			unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "vpc_security_group_ids": true},
			exprs:   map[string]any{"associate_public_ip_address": false, "vpc_security_group_ids": []string{"aws_security_group.app.id", "aws_security_group.app"}}},
	}
}

// TestGatewayEndpointRoutes: a gateway endpoint puts, in each route table
// it is in, a route by its service's prefix list to it, which the
// provider leaves out of the table's routes. A private subnet without a
// NAT gateway reaches S3 through it; where the plan does not give the
// list's entries, a packet the list may hold is undecided, never a
// certain NO_ROUTE.
func TestGatewayEndpointRoutes(t *testing.T) {
	newEndpoint := planRes{typ: "aws_vpc_endpoint", name: "s3", values: map[string]any{"vpc_id": "vpc-1", "service_name": s3Service,
		"vpc_endpoint_type": "Gateway", "route_table_ids": []any{"rtb-2"}},
		unknown: map[string]any{"id": true, "prefix_list_id": true, "cidr_blocks": true, "policy": true, "ip_address_type": true, "arn": true}}
	association := planRes{typ: "aws_vpc_endpoint_route_table_association", name: "private",
		values: map[string]any{"vpc_endpoint_id": "vpce-1", "route_table_id": "rtb-2"}, unknown: map[string]any{"id": true}}
	tests := []struct {
		name     string
		res      []planRes
		data     []map[string]any
		outcome  reach.Outcome // to an address of S3
		code     reach.Code    // the first undecided hop's, or the block's
		internet reach.Outcome // to 8.8.8.8, which the list does not hold
	}{
		{"entries from data.aws_ec2_managed_prefix_list", []planRes{s3Endpoint([]any{"rtb-2"}, nil)},
			[]map[string]any{s3List("aws_ec2_managed_prefix_list")}, reach.Reachable, "", reach.Unreachable},
		{"entries from data.aws_prefix_list", []planRes{s3Endpoint([]any{"rtb-2"}, nil)},
			[]map[string]any{s3List("aws_prefix_list")}, reach.Reachable, "", reach.Unreachable},
		{"entries from the endpoint's cidr_blocks", []planRes{s3Endpoint([]any{"rtb-2"}, []any{"52.218.0.0/17"})},
			nil, reach.Reachable, "", reach.Unreachable},
		{"no entries: undecided, not NO_ROUTE", []planRes{s3Endpoint([]any{"rtb-2"}, nil)},
			nil, reach.Indeterminate, reach.RouteIndeterminate, reach.Indeterminate},
		{"the association resource", []planRes{s3Endpoint([]any{}, nil), association},
			[]map[string]any{s3List("aws_ec2_managed_prefix_list")}, reach.Reachable, "", reach.Unreachable},
		{"a new endpoint, its list read by name", []planRes{newEndpoint},
			[]map[string]any{s3List("aws_ec2_managed_prefix_list")}, reach.Reachable, "", reach.Unreachable},
		{"a new endpoint, its prefix_list_id known only after apply", []planRes{newEndpoint},
			nil, reach.Indeterminate, reach.RouteIndeterminate, reach.Indeterminate},
		{"an association with an endpoint the plan lacks", []planRes{{typ: "aws_vpc_endpoint_route_table_association", name: "other",
			values: map[string]any{"vpc_endpoint_id": "vpce-other", "route_table_id": "rtb-2"}, unknown: map[string]any{"id": true}}},
			nil, reach.Indeterminate, reach.RouteIndeterminate, reach.Indeterminate},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := withData(t, planOf(t, append(append([]planRes{openDefaultACL()}, appInstance()...), tt.res...)...), append(privateNet(), tt.data...)...)
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", plan, rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.app", "52.218.1.10", 443))
			require.NoError(t, err)
			require.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.outcome == reach.Reachable {
				assert.True(t, slices.ContainsFunc(r.Forward, func(h reach.Hop) bool {
					return h.Kind == reach.KindGatewayEndpoint && h.ID == "aws_vpc_endpoint.s3"
				}), "through the endpoint: %s", r.Text())
			} else {
				u := r.Undecided()
				require.NotEmpty(t, u, r.Text())
				assert.Equal(t, tt.code.OnLeg(u[0].Leg), u[0].Code, r.Text())
				assert.NotEmpty(t, rep.Warnings)
			}
			r, err = m.Check(tcp("aws_instance.app", "8.8.8.8", 443))
			require.NoError(t, err)
			require.Equal(t, tt.internet, r.Outcome, r.Text())
			if tt.internet == reach.Unreachable {
				assert.Contains(t, r.Codes(), reach.NoRoute, r.Text())
			}
		})
	}
}

// TestGatewayEndpointForms: what else an aws_vpc_endpoint says: an
// interface endpoint is not modelled (no route), a dualstack one has AWS
// route the service's IPv6 list too, whose entries no plan holds, a
// policy that is not the full-access default is flagged on the results
// through it (one known only after apply that the configuration sets,
// too; one it leaves out is the default), an ipv6 one routes the IPv6
// list only, and an IP address type the configuration sets and that is
// known only after apply is an error: which lists AWS routes depends on
// it; so is a type known only after apply.
func TestGatewayEndpointForms(t *testing.T) {
	with := func(set map[string]any, unknown map[string]any) planRes {
		ep := s3Endpoint([]any{"rtb-2"}, nil)
		for k, v := range set {
			ep.values[k] = v
		}
		ep.unknown = unknown
		if unknown != nil {
			ep.exprs = map[string]any{"ip_address_type": []string{"var.ip_type"}}
		}
		return ep
	}
	custom := `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::logs/*"}]}`
	policyLater := func(configured bool) planRes {
		ep := with(map[string]any{"policy": nil}, map[string]any{"policy": true})
		ep.exprs = map[string]any{}
		if configured {
			ep.exprs["policy"] = []string{"data.aws_iam_policy_document.s3.json"}
		}
		return ep
	}
	tests := []struct {
		name       string
		ep         planRes
		err        error
		errAt      string // the attribute the error names, ip_address_type when ""
		outcome    reach.Outcome
		unmodelled int
		unresolved []string
		warning    string // of the result
		unwarned   bool   // the result has no policy warning
		reported   string // a warning of the report
	}{
		{name: "interface endpoint: no route", ep: with(map[string]any{"vpc_endpoint_type": "Interface"}, nil), outcome: reach.Unreachable, unmodelled: 1},
		{name: "dualstack: the IPv6 list too", ep: with(map[string]any{"ip_address_type": "dualstack"}, nil), outcome: reach.Reachable,
			unresolved: []string{"aws_vpc_endpoint.s3.ipv6_prefix_list"}},
		{name: "a custom policy", ep: with(map[string]any{"policy": custom}, nil), outcome: reach.Reachable,
			warning: "gateway endpoint aws_vpc_endpoint.s3 has a policy that is not the full-access default"},
		{name: "ip_address_type known only after apply", ep: with(map[string]any{"ip_address_type": nil}, map[string]any{"ip_address_type": true}),
			err: terraform.ErrUnknownValue},
		{name: "not an IP address type", ep: with(map[string]any{"ip_address_type": "ipv5"}, nil), err: terraform.ErrInvalidPlan},
		{name: "ipv6: the IPv6 list only, no IPv4 route", ep: with(map[string]any{"ip_address_type": "ipv6"}, nil), outcome: reach.Unreachable,
			unresolved: []string{"aws_vpc_endpoint.s3.ipv6_prefix_list"}},
		{name: "a policy known only after apply that the configuration sets: taken for a custom one", ep: policyLater(true), outcome: reach.Reachable,
			warning: "gateway endpoint aws_vpc_endpoint.s3 has a policy that is not the full-access default"},
		{name: "a policy known only after apply, left out: the default", ep: policyLater(false), outcome: reach.Reachable, unwarned: true},
		{name: "a policy that is not JSON: taken for a custom one", ep: with(map[string]any{"policy": "{"}, nil), outcome: reach.Reachable,
			warning: "gateway endpoint aws_vpc_endpoint.s3 has a policy that is not the full-access default", reported: "aws_vpc_endpoint.s3: policy is not JSON"},
		{name: "vpc_endpoint_type known only after apply", ep: with(map[string]any{"vpc_endpoint_type": nil}, map[string]any{"vpc_endpoint_type": true}),
			err: terraform.ErrUnknownValue, errAt: "vpc_endpoint_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plan := withData(t, planOf(t, append(append([]planRes{openDefaultACL()}, appInstance()...), tt.ep)...),
				append(privateNet(), s3List("aws_ec2_managed_prefix_list"))...)
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", plan, rep)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				at := tt.errAt
				if at == "" {
					at = "ip_address_type"
				}
				assert.ErrorContains(t, err, "aws_vpc_endpoint.s3: "+at)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.unmodelled, rep.Unmodelled["aws_vpc_endpoint"])
			_, modelled := rep.Modelled["aws_vpc_endpoint"]
			assert.Equal(t, tt.unmodelled == 0, modelled, "the report counts it modelled or not, never both")
			assert.Equal(t, tt.unresolved, m.UnresolvedPrefixLists())
			r, err := m.Check(tcp("aws_instance.app", "52.218.1.10", 443))
			require.NoError(t, err)
			require.Equal(t, tt.outcome, r.Outcome, r.Text())
			if tt.warning != "" {
				assert.True(t, containsPrefix(r.Warnings, tt.warning), "%q", r.Warnings)
			}
			if tt.reported != "" {
				assert.True(t, containsPrefix(rep.Warnings, tt.reported), "%q", rep.Warnings)
			}
			if tt.unwarned {
				assert.False(t, containsPrefix(r.Warnings, "gateway endpoint aws_vpc_endpoint.s3 has a policy"), "%q", r.Warnings)
			}
		})
	}
}

// An S3 gateway endpoint that exists, whose configuration leaves
// route_table_ids out (Optional and Computed: its planned value is what
// AWS reports, the tables of aws_vpc_endpoint_route_table_association
// resources too), and the plan deletes the association that put it in
// rtb-2. After apply AWS no longer routes the S3 prefix list of rtb-2 to
// the endpoint: rtb-2 holds only the local route, so the packet to S3
// has no route. The endpoint's stale route_table_ids must not keep it.
// Where the configuration writes route_table_ids, rtb-2 among them, the
// delete disassociates rtb-2 all the same (AWS holds one association),
// and the endpoint, unchanged or updated with rtb-2 in its values before
// too, adds nothing back (the provider modifies the difference); updated
// from values without it, it adds it, in no set order with the delete:
// undecided. (It was kept for certain: Reachable.)
func TestDeletedEndpointAssociation(t *testing.T) {
	association := planRes{typ: "aws_vpc_endpoint_route_table_association", name: "private",
		values: map[string]any{"id": "a-vpce-1-rtb-2", "vpc_endpoint_id": "vpce-1", "route_table_id": "rtb-2"}}
	for _, tc := range []struct {
		name       string
		deleted    []planRes
		configured bool  // the configuration writes route_table_ids = ["rtb-2"]
		before     []any // the endpoint's route_table_ids before its update, nil for no update
		replaced   bool  // the plan replaces the association rather than delete it
		want       reach.Outcome
		says       string // a warning
	}{
		{name: "the association stays: through the endpoint", want: reach.Reachable},
		{name: "the association deleted: no route", deleted: []planRes{association}, want: reach.Unreachable},
		{name: "route_table_ids configured, the association replaced: the new one associates rtb-2", configured: true, replaced: true, want: reach.Reachable},
		{name: "route_table_ids configured, the association deleted: no route", deleted: []planRes{association}, configured: true, want: reach.Unreachable,
			says: "aws_vpc_endpoint.s3: route_table_ids: aws_vpc_endpoint_route_table_association.private, which the plan deletes, disassociates data.aws_route_table.private (rtb-2), which nothing associates again until the next apply"},
		{name: "route_table_ids configured, the endpoint updated from values with rtb-2: no route", deleted: []planRes{association}, configured: true,
			before: []any{"rtb-2"}, want: reach.Unreachable, says: "which nothing associates again until the next apply"},
		{name: "route_table_ids configured, the endpoint updated from values without rtb-2: in no set order", deleted: []planRes{association}, configured: true,
			before: []any{}, want: reach.Indeterminate, says: "in no set order with the update that adds it"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ep := s3Endpoint([]any{"rtb-2"}, []any{"52.218.0.0/17"})
			if tc.configured {
				ep.exprs = map[string]any{"route_table_ids": []any{"rtb-2"}}
			}
			rs := append(append([]planRes{openDefaultACL()}, appInstance()...), ep)
			if tc.deleted == nil {
				rs = append(rs, association)
			}
			created := map[string][]string{"aws_instance.app": {"create"}, "aws_security_group.app": {"create"}}
			if tc.replaced {
				created["aws_vpc_endpoint_route_table_association.private"] = []string{"delete", "create"}
			}
			var before map[string]map[string]any
			if tc.before != nil {
				b := map[string]any{}
				for k, v := range ep.values {
					b[k] = v
				}
				b["route_table_ids"], b["tags"] = tc.before, map[string]any{"old": "x"}
				before = map[string]map[string]any{"aws_vpc_endpoint.s3": b}
			}
			plan := changePlan(t, before, created, tc.deleted, rs...)
			if tc.replaced {
				plan = setBefore(t, plan, "aws_vpc_endpoint_route_table_association.private", association.values)
			}
			plan = withData(t, plan, privateNet()...)
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", plan, rep)
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.app", "52.218.1.10", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
			warnings := strings.Join(rep.Warnings, "\n")
			if tc.says != "" {
				assert.Contains(t, warnings, tc.says)
			} else {
				assert.NotContains(t, warnings, "route_table_ids")
			}
		})
	}
}
