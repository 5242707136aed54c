package terraform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// eipNet is existingPublicNet with publicWeb (203.0.113.10, assigned at
// launch) and aws_instance.db (10.1.1.20, public 203.0.113.20), whose
// group allows tcp/5432 from allowed only: web reaches db's public
// address through the internet gateway, with its own public address as
// the source.
func eipNet(allowed string) []planRes {
	dbSG := planRes{typ: "aws_security_group", name: "db", values: map[string]any{"id": "sg-2", "name": "db", "vpc_id": "vpc-1",
		"ingress": []any{map[string]any{"from_port": 5432, "to_port": 5432, "protocol": "tcp", "cidr_blocks": []any{allowed}}},
		"egress":  []any{map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}}},
		exprs: map[string]any{"ingress": []string{}, "egress": []string{}}}
	db := planRes{typ: "aws_instance", name: "db", values: map[string]any{"id": "i-2", "subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-2"},
		"private_ip": "10.1.1.20", "public_ip": "203.0.113.20", "associate_public_ip_address": true}}
	return append(existingPublicNet(false), publicWeb(), dbSG, db)
}

// existingEIP is aws_eip.web, which exists (198.51.100.50), associated
// with nothing; newEIP is one the plan creates, its address known only
// after apply.
func existingEIP() planRes {
	return planRes{typ: "aws_eip", name: "web", values: map[string]any{"id": "eipalloc-1", "public_ip": "198.51.100.50", "domain": "vpc"}}
}

func newEIP(values map[string]any, exprs map[string]any) planRes {
	v := map[string]any{"domain": "vpc"}
	for k, x := range values {
		v[k] = x
	}
	return planRes{typ: "aws_eip", name: "web", values: v, unknown: map[string]any{"id": true, "public_ip": true, "private_ip": true, "association_id": true}, exprs: exprs}
}

// newAssociation is a new aws_eip_association of aws_eip.web with
// aws_instance.web, on its primary private address (private_ip_address
// left out: known only after apply).
func newAssociation() planRes {
	return planRes{typ: "aws_eip_association", name: "web", values: map[string]any{"instance_id": "i-1"},
		unknown: map[string]any{"id": true, "allocation_id": true, "private_ip_address": true, "public_ip": true, "network_interface_id": true},
		exprs:   map[string]any{"allocation_id": []string{"aws_eip.web.id", "aws_eip.web"}, "instance_id": []string{"aws_instance.web.id", "aws_instance.web"}}}
}

// TestElasticIPReplacesAutoAssignedAddress: an Elastic IP associated with
// the primary private address of an instance that has a public IPv4
// address assigned at launch replaces it (AWS releases it: EC2 User
// Guide, Elastic IP addresses), whether the association is an
// aws_eip_association or the aws_eip's own instance, and whether the
// Elastic IP exists (198.51.100.50) or is new (its address, and so the
// instance's public address, known only after apply: what depends on it
// is indeterminate). The released 203.0.113.10 is no longer the
// instance's.
func TestElasticIPReplacesAutoAssignedAddress(t *testing.T) {
	const unknownEIP = "aws_eip.web: public_ip"
	for _, tc := range []struct {
		name    string
		extra   []planRes
		created []string
		// db's answer for web, when db allows the Elastic IP only and
		// when it allows the released address only
		toEIPOnly, toOldOnly reach.Outcome
	}{
		{name: "no Elastic IP (control)", toEIPOnly: reach.Unreachable, toOldOnly: reach.Reachable},
		{name: "existing Elastic IP, new aws_eip_association", created: []string{"aws_eip_association.web"},
			extra: []planRes{existingEIP(), newAssociation()}, toEIPOnly: reach.Reachable, toOldOnly: reach.Unreachable},
		{name: "new Elastic IP, new aws_eip_association", created: []string{"aws_eip_association.web", "aws_eip.web"},
			extra: []planRes{newEIP(nil, nil), newAssociation()}, toEIPOnly: reach.Indeterminate, toOldOnly: reach.Indeterminate},
		{name: "new Elastic IP with instance", created: []string{"aws_eip.web"},
			extra:     []planRes{newEIP(map[string]any{"instance": "i-1"}, map[string]any{"instance": []string{"aws_instance.web.id", "aws_instance.web"}})},
			toEIPOnly: reach.Indeterminate, toOldOnly: reach.Indeterminate},
	} {
		t.Run(tc.name, func(t *testing.T) {
			created := map[string][]string{}
			for _, a := range tc.created {
				created[a] = []string{"create"}
			}
			for _, allowed := range []struct {
				cidr string
				want reach.Outcome
			}{{"198.51.100.50/32", tc.toEIPOnly}, {"203.0.113.10/32", tc.toOldOnly}} {
				var rep terraform.Report
				m, err := terraform.Parse("plan.json", changePlan(t, nil, created, nil, append(eipNet(allowed.cidr), tc.extra...)...), &rep)
				require.NoError(t, err)
				r, err := m.Check(tcp("aws_instance.web", "203.0.113.20", 5432))
				require.NoError(t, err)
				assert.Equal(t, allowed.want, r.Outcome, "db allows %s: %s", allowed.cidr, r.Text())
				if allowed.want == reach.Indeterminate {
					assert.Contains(t, r.Text(), unknownEIP)
				}
				r, err = m.Check(tcp("198.51.100.7", "aws_instance.web", 22))
				require.NoError(t, err)
				assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
				if len(tc.extra) > 0 {
					assert.Contains(t, rep.Warnings, "aws_instance.web: its public IPv4 address 203.0.113.10 gives way to the Elastic IP ("+
						map[bool]string{true: "known only after apply", false: "198.51.100.50"}[tc.toEIPOnly == reach.Indeterminate]+
						") that "+tc.created[0]+" associates with its primary private address: AWS releases the address it had")
					r, err = m.Check(tcp("198.51.100.7", "203.0.113.10", 22))
					if err == nil {
						assert.Equal(t, reach.Unreachable, r.Outcome, "the released address: %s", r.Text())
					}
				}
			}
		})
	}
}

// TestElasticIPAssociationAsPlanned: an aws_eip whose configuration sets
// neither instance nor network_interface (Optional and Computed) shows
// the association AWS holds, an aws_eip_association's: the steady state
// (both exist, the instance's refreshed public_ip the Elastic IP's) is
// one association, not two; an association the plan deletes takes the
// Elastic IP away though the aws_eip still shows it; one with an
// interface the plan does not hold (a NAT gateway's) is outside the
// model. An Elastic IP on a new instance whose private address AWS picks
// is its public address. Two Elastic IPs of the plan on one private
// address, or a new one on a secondary address, are refused.
func TestElasticIPAssociationAsPlanned(t *testing.T) {
	associatedWeb := publicWeb()
	associatedWeb.values["public_ip"] = "198.51.100.50"
	associatedWeb.values["primary_network_interface_id"] = "eni-1"
	associatedEIP := existingEIP()
	for k, v := range map[string]any{"instance": "i-1", "network_interface": "eni-1", "private_ip": "10.1.1.10", "association_id": "eipassoc-1"} {
		associatedEIP.values[k] = v
	}
	association := planRes{typ: "aws_eip_association", name: "web", values: map[string]any{"id": "eipassoc-1", "allocation_id": "eipalloc-1", "instance_id": "i-1",
		"public_ip": "198.51.100.50", "private_ip_address": "10.1.1.10", "network_interface_id": "eni-1"}}
	newWeb := planRes{typ: "aws_instance", name: "web", values: map[string]any{"subnet_id": "subnet-1", "vpc_security_group_ids": []any{"sg-1"}},
		unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "associate_public_ip_address": true}}
	newWebAssociation := newAssociation()
	newWebAssociation.values = map[string]any{"allocation_id": "eipalloc-1"}
	newWebAssociation.unknown = map[string]any{"id": true, "instance_id": true, "private_ip_address": true, "public_ip": true, "network_interface_id": true}
	natEIP := existingEIP()
	natEIP.values["network_interface"] = "eni-0nat"
	nat := planRes{typ: "aws_nat_gateway", name: "main", values: map[string]any{"id": "nat-1", "subnet_id": "subnet-1", "allocation_id": "eipalloc-1",
		"private_ip": "10.1.1.5", "public_ip": "198.51.100.50", "connectivity_type": "public"}}
	outsideEIP := existingEIP()
	outsideEIP.values["instance"] = "i-9"
	otherEIP := planRes{typ: "aws_eip", name: "other", values: map[string]any{"id": "eipalloc-2", "public_ip": "198.51.100.60", "domain": "vpc", "instance": "i-1"},
		exprs: map[string]any{"instance": "i-1"}}
	secondaryWeb := publicWeb()
	secondaryWeb.values["secondary_private_ips"] = []any{"10.1.1.11"}
	secondaryAssociation := newAssociation()
	secondaryAssociation.values["private_ip_address"] = "10.1.1.11"
	delete(secondaryAssociation.unknown, "private_ip_address")
	for _, tc := range []struct {
		name    string
		rs      []planRes
		created []string
		deleted []planRes
		to      string
		want    reach.Outcome // Unreachable: also an error naming nothing of the model
		err     error
		errText string
		warning string
		// mapPublic: the subnet maps a public address on launch (one AWS
		// picks, known only later, which an Elastic IP replaces)
		mapPublic bool
	}{
		{name: "steady state: the Elastic IP", rs: []planRes{associatedWeb, associatedEIP, association}, to: "198.51.100.50", want: reach.Reachable},
		{name: "steady state: the instance", rs: []planRes{associatedWeb, associatedEIP, association}, to: "aws_instance.web", want: reach.Reachable},
		{name: "association deleted: the Elastic IP leaves", rs: []planRes{associatedWeb, associatedEIP}, deleted: []planRes{association},
			to: "198.51.100.50", want: reach.Unreachable},
		{name: "association deleted: no public address (not launched with one)", rs: []planRes{associatedWeb, associatedEIP}, deleted: []planRes{association},
			to: "aws_instance.web", want: reach.Unreachable},
		{name: "the associated aws_eip deleted: the Elastic IP leaves", rs: []planRes{associatedWeb}, deleted: []planRes{associatedEIP},
			to: "198.51.100.50", want: reach.Unreachable},
		{name: "new instance, its private address unknown", rs: []planRes{newWeb, existingEIP(), newWebAssociation},
			created: []string{"aws_instance.web", "aws_eip_association.web"}, to: "198.51.100.50", want: reach.Reachable},
		{name: "new instance, by its address", rs: []planRes{newWeb, existingEIP(), newWebAssociation},
			created: []string{"aws_instance.web", "aws_eip_association.web"}, to: "aws_instance.web", want: reach.Reachable},
		{name: "new instance given a public address at launch: the Elastic IP replaces it", rs: []planRes{newWeb, existingEIP(), newWebAssociation},
			created: []string{"aws_instance.web", "aws_eip_association.web"}, to: "aws_instance.web", want: reach.Reachable, mapPublic: true},
		{name: "a NAT gateway's Elastic IP", rs: []planRes{publicWeb(), natEIP, nat}, to: "aws_instance.web", want: reach.Reachable},
		{name: "an Elastic IP on an instance outside the plan", rs: []planRes{publicWeb(), outsideEIP}, to: "aws_instance.web", want: reach.Reachable,
			warning: "aws_eip.web: associated with i-9, which the plan does not hold: the model leaves the Elastic IP out"},
		{name: "two Elastic IPs on the primary address", rs: []planRes{publicWeb(), existingEIP(), newAssociation(), otherEIP},
			created: []string{"aws_eip_association.web"}, err: terraform.ErrInvalidPlan,
			errText: `invalid Terraform plan: aws_eip_association.web associates another Elastic IP (aws_eip.web) with its primary private address: AWS keeps the one associated last`},
		{name: "a new Elastic IP on a secondary address", rs: []planRes{secondaryWeb, newEIP(nil, nil), secondaryAssociation},
			created: []string{"aws_eip.web", "aws_eip_association.web"}, err: terraform.ErrUnknownValue,
			errText: `aws_eip_association.web: private_ip_address: "10.1.1.11": known only after apply: a new Elastic IP on a secondary private address`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			created := map[string][]string{}
			for _, a := range tc.created {
				created[a] = []string{"create"}
			}
			var rep terraform.Report
			m, err := terraform.Parse("plan.json", changePlan(t, nil, created, tc.deleted, append(existingPublicNet(tc.mapPublic), tc.rs...)...), &rep)
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.ErrorContains(t, err, tc.errText)
				return
			}
			require.NoError(t, err)
			if tc.warning != "" {
				assert.Contains(t, rep.Warnings, tc.warning)
			}
			r, err := m.Check(tcp("198.51.100.7", tc.to, 22))
			if tc.want == reach.Unreachable && err != nil {
				assert.ErrorContains(t, err, "is in the design") // the address names nothing of the model
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}
