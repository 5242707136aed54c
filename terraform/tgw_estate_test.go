package terraform_test

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/sg"
	"github.com/reachsim/reachsim/terraform"
)

func estref(addr string) []string { return []string{addr + ".id", addr} }

// estCheck parses the plan and checks a -> b on 443, failing on a load error.
func estCheck(t *testing.T, plan []byte, from, to string) *reach.Result {
	t.Helper()
	m, err := terraform.Parse("plan.json", plan, nil)
	require.NoError(t, err)
	r, err := m.Check(tcp(from, to, 443))
	require.NoError(t, err)
	return r
}

// A gateway whose default association is off, no association resource:
// the attachments are associated with no table, so the gateway drops what
// they send (AWS TGW docs, "Transit gateway route tables": an attachment
// is associated with one route table; traffic is routed by the table
// associated with the attachment it enters by).
func TestTGWEstateNoAssociation(t *testing.T) {
	r := estCheck(t, tgwPlan(t, map[string]any{"default_route_table_association": "disable"}, nil), "aws_instance.a", "aws_instance.b")
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	t.Log(r.Text())
}

// A static blackhole for the same /16 a propagation gives, in the default
// table (by association_default_route_table_id): static routes take
// priority over propagated routes for the same destination (AWS TGW docs,
// "Route evaluation order").
func TestTGWEstateStaticBeatsPropagated(t *testing.T) {
	hole := planRes{typ: "aws_ec2_transit_gateway_route", name: "hole", values: map[string]any{"destination_cidr_block": "10.2.0.0/16", "blackhole": true},
		unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true},
		exprs:   map[string]any{"transit_gateway_route_table_id": []string{"aws_ec2_transit_gateway.hub.association_default_route_table_id", "aws_ec2_transit_gateway.hub"}}}
	r := estCheck(t, tgwPlan(t, map[string]any{}, nil, hole), "aws_instance.a", "aws_instance.b")
	assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
	assert.Contains(t, r.Codes(), reach.TGWBlackholeRoute, r.Text())
}

// Attachments that turn default propagation off: the default table learns
// no VPC.
func TestTGWEstateAttachmentNoPropagation(t *testing.T) {
	r := estCheck(t, tgwPlan(t, map[string]any{}, map[string]any{"transit_gateway_default_route_table_propagation": false}), "aws_instance.a", "aws_instance.b")
	assert.Contains(t, r.Codes(), reach.TGWNoRoute, r.Text())
	r = estCheck(t, tgwPlan(t, map[string]any{}, map[string]any{"transit_gateway_default_route_table_association": false}), "aws_instance.a", "aws_instance.b")
	assert.Equal(t, reach.Unreachable, r.Outcome, "associated with no table: %s", r.Text())
}

// tgwCounted: tgwResources with the VPC route tables' inline routes
// replaced by counted aws_route resources whose transit_gateway_id
// references the gateway the plan creates.
func tgwCounted(gw map[string]any, att map[string]any, extraA []string) []planRes {
	rs := tgwResources(gw, att)
	for i := range rs {
		if rs[i].typ == "aws_route_table" {
			rs[i].values = map[string]any{"route": []any{}}
			rs[i].unknown = map[string]any{"id": true, "vpc_id": true}
			rs[i].exprs = map[string]any{"vpc_id": estref("aws_vpc." + rs[i].name)}
		}
	}
	unk := map[string]any{"id": true, "route_table_id": true, "transit_gateway_id": true}
	tgw := estref("aws_ec2_transit_gateway.hub")
	for i, c := range append([]string{"10.2.0.0/16"}, extraA...) {
		rs = append(rs, planRes{typ: "aws_route", name: "a", index: i, values: map[string]any{"destination_cidr_block": c}, unknown: unk,
			exprs: map[string]any{"route_table_id": estref("aws_route_table.a"), "transit_gateway_id": tgw, "destination_cidr_block": []string{"var.cidrs", "count.index"}}})
	}
	rs = append(rs, planRes{typ: "aws_route", name: "b", index: 0, values: map[string]any{"destination_cidr_block": "10.1.0.0/16"}, unknown: unk,
		exprs: map[string]any{"route_table_id": estref("aws_route_table.b"), "transit_gateway_id": tgw}})
	return rs
}

func TestTGWEstateCountedRoutes(t *testing.T) {
	r := estCheck(t, planOf(t, tgwCounted(map[string]any{}, nil, []string{"10.3.0.0/16"})...), "aws_instance.a", "aws_instance.b")
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
	r = estCheck(t, planOf(t, tgwCounted(map[string]any{}, nil, []string{"10.3.0.0/16"})...), "aws_instance.b", "aws_instance.a")
	assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
}

// forEachTGW: the attachments are one for_each resource att["a"], att["b"];
// a custom table, associations and propagations by for_each paired by
// each.key; propagated lists the keys that propagate.
func forEachTGW(propagated []string, assocKeys []string) []planRes {
	gw := map[string]any{"default_route_table_association": "disable", "default_route_table_propagation": "disable"}
	rs := tgwResources(gw, nil)
	rtRef := estref("aws_ec2_transit_gateway_route_table.main")
	rs = append(rs, planRes{typ: "aws_ec2_transit_gateway_route_table", name: "main", values: map[string]any{}, unknown: map[string]any{"id": true, "transit_gateway_id": true},
		exprs: map[string]any{"transit_gateway_id": estref("aws_ec2_transit_gateway.hub")}})
	unk := map[string]any{"id": true, "transit_gateway_route_table_id": true, "transit_gateway_attachment_id": true}
	// transit_gateway_attachment_id = {a = aws_..._attachment.a.id, b = ....b.id}[each.key]
	attRef := []string{"aws_ec2_transit_gateway_vpc_attachment.a.id", "aws_ec2_transit_gateway_vpc_attachment.a", "aws_ec2_transit_gateway_vpc_attachment.b.id", "aws_ec2_transit_gateway_vpc_attachment.b", "each.key"}
	for _, k := range assocKeys {
		rs = append(rs, planRes{typ: "aws_ec2_transit_gateway_route_table_association", name: "assoc", index: `"` + k + `"`, values: map[string]any{}, unknown: unk,
			exprs: map[string]any{"transit_gateway_route_table_id": rtRef, "transit_gateway_attachment_id": attRef}})
	}
	for _, k := range propagated {
		rs = append(rs, planRes{typ: "aws_ec2_transit_gateway_route_table_propagation", name: "prop", index: `"` + k + `"`, values: map[string]any{}, unknown: unk,
			exprs: map[string]any{"transit_gateway_route_table_id": rtRef, "transit_gateway_attachment_id": attRef}})
	}
	return rs
}

// The plan does not say which attachment each instance names: an error
// wrapping ErrUnknownValue, or answers that are not certain where they
// depend on it. Only a propagates (prop["a"]): the table has no route to
// b, so a certain Reachable is wrong.
func TestTGWEstateForEachAssociations(t *testing.T) {
	for _, tc := range []struct {
		name        string
		prop, assoc []string
	}{{"both", []string{"a", "b"}, []string{"a", "b"}}, {"only a propagates", []string{"a"}, []string{"a", "b"}}, {"only a associated", []string{"a", "b"}, []string{"a"}}} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, forEachTGW(tc.prop, tc.assoc)...), nil)
			if err != nil {
				assert.ErrorIs(t, err, terraform.ErrUnknownValue)
				t.Log(err)
				return
			}
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			t.Log(r.Outcome, r.Codes())
			if tc.name != "both" {
				assert.Equal(t, reach.Unreachable, r.Outcome, r.Text())
			}
		})
	}
}

// security_group_referencing_support on the gateway (unset: disable), b's
// group allowing a's group by reference.
func sgrefTGW(gw map[string]any, att map[string]any, attUnknown bool) []planRes {
	rs := tgwResources(gw, att)
	for i := range rs {
		if rs[i].typ == "aws_security_group" && rs[i].name == "b" {
			rs[i].values = map[string]any{"name": "b", "egress": rs[i].values["egress"], "ingress": []any{map[string]any{"from_port": 443, "to_port": 443, "protocol": "tcp"}}}
			rs[i].unknown = map[string]any{"id": true, "vpc_id": true, "ingress": []any{map[string]any{"security_groups": true}}}
			rs[i].exprs = map[string]any{"vpc_id": estref("aws_vpc.b"), "ingress": estref("aws_security_group.a"), "egress": []string{}}
		}
		if attUnknown && rs[i].typ == "aws_ec2_transit_gateway_vpc_attachment" {
			rs[i].unknown["security_group_referencing_support"] = true
		}
	}
	return rs
}

func TestTGWEstateSGReferencing(t *testing.T) {
	r := estCheck(t, planOf(t, sgrefTGW(map[string]any{"security_group_referencing_support": "enable"}, nil, false)...), "aws_instance.a", "aws_instance.b")
	assert.Equal(t, reach.Reachable, r.Outcome, "gateway on, attachments default on: %s", r.Text())
	r = estCheck(t, planOf(t, sgrefTGW(map[string]any{}, nil, false)...), "aws_instance.a", "aws_instance.b")
	assert.Equal(t, reach.Unreachable, r.Outcome, "gateway default off: %s", r.Text())
	r = estCheck(t, planOf(t, sgrefTGW(map[string]any{"security_group_referencing_support": "enable"}, map[string]any{"security_group_referencing_support": "disable"}, false)...), "aws_instance.a", "aws_instance.b")
	assert.Equal(t, reach.Unreachable, r.Outcome, "attachments off: %s", r.Text())
	r = estCheck(t, planOf(t, sgrefTGW(map[string]any{"security_group_referencing_support": "enable"}, nil, true)...), "aws_instance.a", "aws_instance.b")
	assert.Equal(t, reach.Indeterminate, r.Outcome, "attachment's value known only after apply: %s", r.Text())
}

// modTGW: tgwResources with VPC b (its VPC, subnet, attachment, route
// table, association, group, instance) in module instance mod (config
// path "b"), the gateway passed in as var.tgw_id = aws_ec2_transit_gateway.hub.id;
// rootAttach keeps b's attachment in the root module, reading
// module.b's outputs vpc_id and subnet_id.
func modTGW(t *testing.T, mod string, forEach, rootAttach bool) []byte {
	var rs []modRes
	for _, r := range tgwResources(map[string]any{}, nil) {
		if r.name != "b" || (rootAttach && r.typ == "aws_ec2_transit_gateway_vpc_attachment") {
			if rootAttach && r.name == "b" && r.typ == "aws_ec2_transit_gateway_vpc_attachment" {
				r.exprs = map[string]any{"vpc_id": []string{"module.b.vpc_id", "module.b"}, "subnet_ids": []string{"module.b.subnet_id", "module.b"},
					"transit_gateway_id": estref("aws_ec2_transit_gateway.hub")}
				if forEach {
					r.exprs = map[string]any{"vpc_id": []string{`module.b["x"].vpc_id`, `module.b["x"]`, "module.b"}, "subnet_ids": []string{`module.b["x"].subnet_id`, `module.b["x"]`, "module.b"},
						"transit_gateway_id": estref("aws_ec2_transit_gateway.hub")}
				}
			}
			rs = append(rs, modRes{planRes: r})
			continue
		}
		switch r.typ {
		case "aws_ec2_transit_gateway_vpc_attachment":
			r.exprs["transit_gateway_id"] = []string{"var.tgw_id"}
		case "aws_route_table":
			r.exprs["route"] = []string{"var.tgw_id"}
		}
		rs = append(rs, modRes{mod: mod, cfg: "b", planRes: r})
	}
	call := modCall{cfg: "b", args: map[string][]string{"tgw_id": estref("aws_ec2_transit_gateway.hub")}, forEach: forEach,
		outputs: map[string][]string{"vpc_id": estref("aws_vpc.b"), "subnet_id": estref("aws_subnet.b")}}
	return estKeys(t, modPlan(t, []modCall{call}, rs...))
}

// estKeys gives every configuration resource provider_config_key "aws",
// as Terraform writes it for a module that inherits the root's provider
// (jsonconfig's normalizeModuleProviderKeys / findSourceProviderKeys).
func estKeys(t *testing.T, plan []byte) []byte {
	var p map[string]any
	require.NoError(t, json.Unmarshal(plan, &p))
	var walk func(m map[string]any)
	walk = func(m map[string]any) {
		if rs, ok := m["resources"].([]any); ok {
			for _, r := range rs {
				r.(map[string]any)["provider_config_key"] = "aws"
			}
		}
		if calls, ok := m["module_calls"].(map[string]any); ok {
			for _, c := range calls {
				walk(c.(map[string]any)["module"].(map[string]any))
			}
		}
	}
	walk(p["configuration"].(map[string]any)["root_module"].(map[string]any))
	out, err := json.Marshal(p)
	require.NoError(t, err)
	return out
}

func TestTGWEstateModuleVPC(t *testing.T) {
	for _, tc := range []struct {
		name             string
		mod              string
		forEach, rootAtt bool
	}{{"module", "module.b", false, false}, {"module for_each", `module.b["x"]`, true, false},
		{"root attachment via outputs", "module.b", false, true}, {"root attachment via outputs, for_each", `module.b["x"]`, true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", modTGW(t, tc.mod, tc.forEach, tc.rootAtt), nil)
			require.NoError(t, err)
			b := tc.mod + ".aws_instance.b"
			for _, q := range []reach.Query{tcp("aws_instance.a", b, 443), tcp(b, "aws_instance.a", 443)} {
				r, err := m.Check(q)
				require.NoError(t, err)
				assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
			}
		})
	}
}

// applianceTGW: tgwResources plus, in VPC a, an appliance aws_instance.fw
// the plan creates (ID unknown) in a subnet fw of its own whose table
// sends VPC b to the gateway; VPC a's app table sends VPC b to the
// appliance's primary interface by reference. sdc: its source_dest_check
// (nil: unknown after apply).
func applianceTGW(sdc any) []planRes {
	rs := tgwResources(map[string]any{}, nil)
	vpcRef := estref("aws_vpc.a")
	for i := range rs {
		if rs[i].typ == "aws_route_table" && rs[i].name == "a" {
			rs[i].unknown = map[string]any{"id": true, "vpc_id": true, "route": []any{map[string]any{"network_interface_id": true}}}
			rs[i].exprs = map[string]any{"vpc_id": vpcRef, "route": []string{"aws_instance.fw.primary_network_interface_id", "aws_instance.fw"}}
		}
	}
	fw := planRes{typ: "aws_instance", name: "fw", values: map[string]any{"private_ip": "10.1.2.10", "associate_public_ip_address": false, "source_dest_check": sdc},
		unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true, "primary_network_interface_id": true},
		exprs:   map[string]any{"subnet_id": estref("aws_subnet.fw"), "vpc_security_group_ids": estref("aws_security_group.a"), "associate_public_ip_address": false}}
	if sdc == nil {
		delete(fw.values, "source_dest_check")
		fw.unknown["source_dest_check"] = true
		fw.exprs["source_dest_check"] = []string{"var.sdc"}
	} else {
		fw.exprs["source_dest_check"] = sdc
	}
	rs = append(rs, fw,
		planRes{typ: "aws_subnet", name: "fw", values: map[string]any{"cidr_block": "10.1.2.0/24", "availability_zone": "eu-west-1a"},
			unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}},
		planRes{typ: "aws_route_table", name: "fw", values: map[string]any{"route": []any{map[string]any{"cidr_block": "10.2.0.0/16"}}},
			unknown: map[string]any{"id": true, "vpc_id": true, "route": []any{map[string]any{"transit_gateway_id": true}}},
			exprs:   map[string]any{"vpc_id": vpcRef, "route": estref("aws_ec2_transit_gateway.hub")}},
		planRes{typ: "aws_route_table_association", name: "fw", values: map[string]any{}, unknown: map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
			exprs: map[string]any{"subnet_id": estref("aws_subnet.fw"), "route_table_id": estref("aws_route_table.fw")}})
	return rs
}

func TestTGWEstateApplianceUnknownID(t *testing.T) {
	for _, tc := range []struct {
		name string
		sdc  any
		want reach.Outcome
	}{{"check off", false, reach.Reachable}, {"check on", true, reach.Unreachable}, {"check unknown", nil, reach.Indeterminate}} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := terraform.Parse("plan.json", planOf(t, applianceTGW(tc.sdc)...), nil)
			require.NoError(t, err)
			for _, q := range []reach.Query{tcp("aws_instance.a", "aws_instance.b", 443), tcp("aws_instance.b", "aws_instance.a", 443)} {
				r, err := m.Check(q)
				require.NoError(t, err)
				assert.Equal(t, tc.want, r.Outcome, r.Text())
				assert.Contains(t, r.Text(), "aws_instance.fw", r.Text())
				if tc.sdc == nil {
					assert.Contains(t, r.Text(), "aws_instance.fw: source_dest_check")
				}
			}
		})
	}
}

// estAgree: Check, Ports, Sources and Matrix give from -> to on tcp/port
// the same outcome.
func estAgree(t *testing.T, m *reach.Model, from, to string, port uint16) reach.Outcome {
	t.Helper()
	r, err := m.Check(tcp(from, to, port))
	require.NoError(t, err)
	p, err := m.Ports(reach.PortsQuery{From: from, To: to, Protocol: flow.TCP})
	require.NoError(t, err)
	po := reach.Unreachable
	switch {
	case p.Open.Contains(port):
		po = reach.Reachable
	case p.Indeterminate.Contains(port):
		po = reach.Indeterminate
	}
	assert.Equal(t, r.Outcome, po, "Ports %s -> %s: open %v indeterminate %v; check:\n%s", from, to, p.Open, p.Indeterminate, r.Text())
	s, err := m.Sources(reach.SourcesQuery{To: to, Protocol: flow.TCP, Port: port})
	require.NoError(t, err)
	so := reach.Unreachable
	for _, si := range s.Interfaces {
		if si.ID == from || si.Name == from {
			so = si.Outcome
		}
	}
	assert.Equal(t, r.Outcome, so, "Sources %s -> %s: %+v", from, to, s.Interfaces)
	mx, err := m.Matrix(reach.MatrixOptions{NoInternet: true})
	require.NoError(t, err)
	cls := map[string]string{}
	for _, c := range mx.Classes {
		for _, mem := range c.Members {
			cls[mem.ID], cls[mem.Name] = c.Name, c.Name
		}
	}
	mo := reach.Unreachable
	for _, c := range mx.Cells {
		if c.From == cls[from] && c.To == cls[to] {
			switch {
			case c.Allowed.TCP.Contains(port):
				mo = reach.Reachable
			case c.Indeterminate.TCP.Contains(port):
				mo = reach.Indeterminate
			}
		}
	}
	assert.Equal(t, r.Outcome, mo, "Matrix %s(%s) -> %s(%s):\n%s", from, cls[from], to, cls[to], mx.Text())
	return r.Outcome
}

func TestTGWEstateAgreeAppliance(t *testing.T) {
	for _, sdc := range []any{false, true, nil} {
		m, err := terraform.Parse("plan.json", planOf(t, applianceTGW(sdc)...), nil)
		require.NoError(t, err)
		estAgree(t, m, "aws_instance.a", "aws_instance.b", 443)
		estAgree(t, m, "aws_instance.b", "aws_instance.a", 443)
	}
}

func TestTGWEstateAgreeModule(t *testing.T) {
	m, err := terraform.Parse("plan.json", modTGW(t, `module.b["x"]`, true, true), nil)
	require.NoError(t, err)
	estAgree(t, m, "aws_instance.a", `module.b["x"].aws_instance.b`, 443)
	estAgree(t, m, `module.b["x"].aws_instance.b`, "aws_instance.a", 443)
	m, err = terraform.Parse("plan.json", planOf(t, sgrefTGW(map[string]any{"security_group_referencing_support": "enable"}, nil, true)...), nil)
	require.NoError(t, err)
	estAgree(t, m, "aws_instance.a", "aws_instance.b", 443)
}

// countedTGWEstate: VPCs a (10.1/16) and b (10.2/16) that exist (IDs
// known, routes to tgw-1 known), joined by tgw-1 which exists too
// (default tables off); the plan creates attachments att[0] (a) and
// att[1] (b), a table, associations assoc[i] and static routes r[i]
// (r[0] 10.1/16 -> att[0], r[1] 10.2/16 -> att[1]) all counted and paired
// by count.index; withProp adds counted propagations too, without static
// routes.
func countedTGWEstate(t *testing.T, withProp bool) []byte {
	anyOut := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	anyIn := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"10.0.0.0/8"}}
	allow := []any{map[string]any{"rule_no": 100, "action": "allow", "protocol": "-1", "cidr_block": "0.0.0.0/0", "from_port": 0, "to_port": 0}}
	created := map[string][]string{}
	rs := []planRes{{typ: "aws_ec2_transit_gateway", name: "hub", values: map[string]any{"id": "tgw-1", "default_route_table_association": "disable",
		"default_route_table_propagation": "disable", "association_default_route_table_id": "", "propagation_default_route_table_id": ""}}}
	for i, v := range []string{"a", "b"} {
		other := fmt.Sprintf("10.%d.0.0/16", 2-i)
		rs = append(rs,
			planRes{typ: "aws_vpc", name: v, values: map[string]any{"id": "vpc-" + v, "cidr_block": fmt.Sprintf("10.%d.0.0/16", i+1), "main_route_table_id": "rtb-" + v, "default_network_acl_id": "acl-" + v}},
			planRes{typ: "aws_default_network_acl", name: v, values: map[string]any{"id": "acl-" + v, "default_network_acl_id": "acl-" + v, "ingress": allow, "egress": allow},
				exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
			planRes{typ: "aws_subnet", name: v, values: map[string]any{"id": "subnet-" + v, "vpc_id": "vpc-" + v, "cidr_block": fmt.Sprintf("10.%d.1.0/24", i+1), "availability_zone": "eu-west-1a"}},
			planRes{typ: "aws_default_route_table", name: v, values: map[string]any{"id": "rtb-" + v, "default_route_table_id": "rtb-" + v,
				"route": []any{map[string]any{"cidr_block": other, "transit_gateway_id": "tgw-1"}}}},
			planRes{typ: "aws_security_group", name: v, values: map[string]any{"id": "sg-" + v, "name": v, "vpc_id": "vpc-" + v, "ingress": []any{anyIn}, "egress": []any{anyOut}},
				exprs: map[string]any{"ingress": []string{}, "egress": []string{}}},
			planRes{typ: "aws_instance", name: v, values: map[string]any{"id": "i-" + v, "subnet_id": "subnet-" + v, "vpc_security_group_ids": []any{"sg-" + v},
				"private_ip": fmt.Sprintf("10.%d.1.10", i+1), "public_ip": "", "associate_public_ip_address": false}})
		att := planRes{typ: "aws_ec2_transit_gateway_vpc_attachment", name: "att", index: i, values: map[string]any{"vpc_id": "vpc-" + v, "subnet_ids": []any{"subnet-" + v},
			"transit_gateway_id": "tgw-1", "transit_gateway_default_route_table_association": false, "transit_gateway_default_route_table_propagation": false},
			unknown: map[string]any{"id": true}, exprs: map[string]any{"vpc_id": []string{"var.vpcs", "count.index"}, "transit_gateway_id": estref("aws_ec2_transit_gateway.hub")}}
		created[fmt.Sprintf("aws_ec2_transit_gateway_vpc_attachment.att[%d]", i)] = []string{"create"}
		unk := map[string]any{"id": true, "transit_gateway_route_table_id": true, "transit_gateway_attachment_id": true}
		attRef := []string{"aws_ec2_transit_gateway_vpc_attachment.att", "count.index"}
		rtRef := estref("aws_ec2_transit_gateway_route_table.main")
		assoc := planRes{typ: "aws_ec2_transit_gateway_route_table_association", name: "assoc", index: i, values: map[string]any{}, unknown: unk,
			exprs: map[string]any{"transit_gateway_route_table_id": rtRef, "transit_gateway_attachment_id": attRef}}
		created[fmt.Sprintf("aws_ec2_transit_gateway_route_table_association.assoc[%d]", i)] = []string{"create"}
		rs = append(rs, att, assoc)
		if withProp {
			rs = append(rs, planRes{typ: "aws_ec2_transit_gateway_route_table_propagation", name: "prop", index: i, values: map[string]any{}, unknown: unk,
				exprs: map[string]any{"transit_gateway_route_table_id": rtRef, "transit_gateway_attachment_id": attRef}})
			created[fmt.Sprintf("aws_ec2_transit_gateway_route_table_propagation.prop[%d]", i)] = []string{"create"}
		} else {
			rs = append(rs, planRes{typ: "aws_ec2_transit_gateway_route", name: "r", index: i, values: map[string]any{"destination_cidr_block": fmt.Sprintf("10.%d.0.0/16", i+1)}, unknown: unk,
				exprs: map[string]any{"transit_gateway_route_table_id": rtRef, "transit_gateway_attachment_id": attRef, "destination_cidr_block": []string{"var.cidrs", "count.index"}}})
			created[fmt.Sprintf("aws_ec2_transit_gateway_route.r[%d]", i)] = []string{"create"}
		}
	}
	rs = append(rs, planRes{typ: "aws_ec2_transit_gateway_route_table", name: "main", values: map[string]any{"transit_gateway_id": "tgw-1"}, unknown: map[string]any{"id": true},
		exprs: map[string]any{"transit_gateway_id": estref("aws_ec2_transit_gateway.hub")}})
	created["aws_ec2_transit_gateway_route_table.main"] = []string{"create"}
	return changePlan(t, nil, created, nil, rs...)
}

func TestTGWEstateCountedTGW(t *testing.T) {
	for _, withProp := range []bool{false, true} {
		t.Run(fmt.Sprint("propagations=", withProp), func(t *testing.T) {
			m, err := terraform.Parse("plan.json", countedTGWEstate(t, withProp), nil)
			if err != nil {
				assert.NotErrorIs(t, err, terraform.ErrInvalidPlan)
				require.NoError(t, err)
			}
			estAgree(t, m, "aws_instance.a", "aws_instance.b", 443)
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, reach.Reachable, r.Outcome, r.Text())
		})
	}
}

// peeringChain: new VPCs a, b, c (10.1-3/16); peerings ab and bc (auto
// accepted, with aws_vpc_peering_connection_options); a routes b and c
// to ab, b routes a to ab and c to bc, c routes a and b to bc. a -> c
// relays through b: AWS does not support transitive peering (VPC
// Peering guide, "VPC peering limitations": edge-to-edge routing), so
// the packet is dropped in b.
func peeringChain(opts bool) []planRes {
	ref := estref
	anyOut := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"0.0.0.0/0"}}
	anyIn := map[string]any{"from_port": 0, "to_port": 0, "protocol": "-1", "cidr_blocks": []any{"10.0.0.0/8"}}
	var rs []planRes
	for _, p := range [][2]string{{"a", "b"}, {"b", "c"}} {
		rs = append(rs, planRes{typ: "aws_vpc_peering_connection", name: p[0] + p[1], values: map[string]any{"auto_accept": true},
			unknown: map[string]any{"id": true, "accept_status": true, "vpc_id": true, "peer_vpc_id": true},
			exprs:   map[string]any{"vpc_id": ref("aws_vpc." + p[0]), "peer_vpc_id": ref("aws_vpc." + p[1]), "auto_accept": true}})
		if opts {
			rs = append(rs, planRes{typ: "aws_vpc_peering_connection_options", name: p[0] + p[1],
				values:  map[string]any{"accepter": []any{map[string]any{"allow_remote_vpc_dns_resolution": true}}},
				unknown: map[string]any{"id": true, "vpc_peering_connection_id": true},
				exprs:   map[string]any{"vpc_peering_connection_id": ref("aws_vpc_peering_connection." + p[0] + p[1])}})
		}
	}
	routes := map[string][][2]string{"a": {{"10.2.0.0/16", "ab"}, {"10.3.0.0/16", "ab"}}, "b": {{"10.1.0.0/16", "ab"}, {"10.3.0.0/16", "bc"}}, "c": {{"10.1.0.0/16", "bc"}, {"10.2.0.0/16", "bc"}}}
	for i, v := range []string{"a", "b", "c"} {
		vpcRef := ref("aws_vpc." + v)
		rs = append(rs,
			planRes{typ: "aws_vpc", name: v, values: map[string]any{"cidr_block": fmt.Sprintf("10.%d.0.0/16", i+1)},
				unknown: map[string]any{"id": true, "main_route_table_id": true, "default_network_acl_id": true}},
			planRes{typ: "aws_subnet", name: v, values: map[string]any{"cidr_block": fmt.Sprintf("10.%d.1.0/24", i+1)},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef}},
			planRes{typ: "aws_route_table", name: v, values: map[string]any{"route": []any{}}, unknown: map[string]any{"id": true, "vpc_id": true},
				exprs: map[string]any{"vpc_id": vpcRef}},
			planRes{typ: "aws_route_table_association", name: v, values: map[string]any{}, unknown: map[string]any{"id": true, "subnet_id": true, "route_table_id": true},
				exprs: map[string]any{"subnet_id": ref("aws_subnet." + v), "route_table_id": ref("aws_route_table." + v)}},
			planRes{typ: "aws_security_group", name: v, values: map[string]any{"name": v, "ingress": []any{anyIn}, "egress": []any{anyOut}},
				unknown: map[string]any{"id": true, "vpc_id": true}, exprs: map[string]any{"vpc_id": vpcRef, "ingress": []string{}, "egress": []string{}}},
			planRes{typ: "aws_instance", name: v, values: map[string]any{"private_ip": fmt.Sprintf("10.%d.1.10", i+1), "associate_public_ip_address": false},
				unknown: map[string]any{"id": true, "subnet_id": true, "vpc_security_group_ids": true},
				exprs:   map[string]any{"subnet_id": ref("aws_subnet." + v), "vpc_security_group_ids": ref("aws_security_group." + v), "associate_public_ip_address": false}})
		n := map[string]int{}
		for _, rt := range routes[v] {
			j := n[rt[1]]
			n[rt[1]]++
			rs = append(rs, planRes{typ: "aws_route", name: v + "_" + rt[1], index: j, values: map[string]any{"destination_cidr_block": rt[0]},
				unknown: map[string]any{"id": true, "route_table_id": true, "vpc_peering_connection_id": true},
				exprs: map[string]any{"route_table_id": ref("aws_route_table." + v), "destination_cidr_block": []string{"var.cidrs", "count.index"},
					"vpc_peering_connection_id": ref("aws_vpc_peering_connection." + rt[1])}})
		}
	}
	return rs
}

func TestTGWEstatePeeringChain(t *testing.T) {
	for _, opts := range []bool{false, true} {
		t.Run(fmt.Sprint("options=", opts), func(t *testing.T) {
			rep := &terraform.Report{}
			m, err := terraform.Parse("plan.json", planOf(t, peeringChain(opts)...), rep)
			require.NoError(t, err)
			t.Logf("report: %+v", rep)
			assert.Equal(t, reach.Reachable, estAgree(t, m, "aws_instance.a", "aws_instance.b", 443))
			assert.Equal(t, reach.Reachable, estAgree(t, m, "aws_instance.c", "aws_instance.b", 443))
			assert.Equal(t, reach.Unreachable, estAgree(t, m, "aws_instance.a", "aws_instance.c", 443), "no transitive peering")
		})
	}
}

// An attachment whose subnet_ids come from something outside the plan's
// resources (a variable of subnets, a data source): unresolved.
func TestTGWEstateAttachmentSubnetsUnresolved(t *testing.T) {
	for _, ref := range [][]string{{"var.subnet_ids"}, {"data.aws_subnets.b.ids", "data.aws_subnets.b"}, {"local.subnets"}} {
		rs := tgwResources(map[string]any{}, nil)
		for i := range rs {
			if rs[i].typ == "aws_ec2_transit_gateway_vpc_attachment" && rs[i].name == "b" {
				rs[i].exprs["subnet_ids"] = ref
			}
		}
		m, err := terraform.Parse("plan.json", planOf(t, rs...), nil)
		if err != nil {
			assert.ErrorIs(t, err, terraform.ErrUnknownValue)
			t.Log(err)
			continue
		}
		r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
		require.NoError(t, err)
		assert.Equal(t, reach.Indeterminate, r.Outcome, "%v: %s", ref, r.Text())
	}
}

// The applianceTGW estate (check off) built in Go: the answers of every
// pair, Check and Matrix, must be the plan's.
func TestTGWEstateBuilderAgrees(t *testing.T) {
	p := netip.MustParsePrefix
	ip := func(s string) []netip.Addr { return []netip.Addr{netip.MustParseAddr(s)} }
	toTGW := func(d string) reach.Route {
		return reach.Route{Destination: p(d), Target: reach.TargetTransitGateway, TargetID: "tgw-1"}
	}
	rule := func(dir flow.Direction, cidr string) sg.Rule {
		return sg.Rule{Direction: dir, Protocol: flow.AllProtocols, ICMPType: -1, ICMPCode: -1, Peer: sg.CIDR(cidr)}
	}
	g := func(id string) sg.Group {
		return sg.Group{ID: id, Rules: []sg.Rule{rule(flow.Inbound, "10.0.0.0/8"), rule(flow.Outbound, "0.0.0.0/0")}}
	}
	b := reach.NewBuilder().
		AddVPC(reach.VPC{ID: "vpc-a", CIDRs: []netip.Prefix{p("10.1.0.0/16")}, MainRouteTable: "rtb-ma", DefaultACL: "acl-a"},
			reach.VPC{ID: "vpc-b", CIDRs: []netip.Prefix{p("10.2.0.0/16")}, MainRouteTable: "rtb-mb", DefaultACL: "acl-b"}).
		AddSubnet(reach.Subnet{ID: "subnet-a", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.1.1.0/24")}, AvailabilityZone: "eu-west-1a", RouteTable: "rtb-a"},
			reach.Subnet{ID: "subnet-fw", VPC: "vpc-a", CIDRs: []netip.Prefix{p("10.1.2.0/24")}, AvailabilityZone: "eu-west-1a", RouteTable: "rtb-fw"},
			reach.Subnet{ID: "subnet-b", VPC: "vpc-b", CIDRs: []netip.Prefix{p("10.2.1.0/24")}, AvailabilityZone: "eu-west-1a", RouteTable: "rtb-b"}).
		AddRouteTable(reach.RouteTable{ID: "rtb-ma", VPC: "vpc-a"}, reach.RouteTable{ID: "rtb-mb", VPC: "vpc-b"},
			reach.RouteTable{ID: "rtb-a", VPC: "vpc-a", Routes: []reach.Route{{Destination: p("10.2.0.0/16"), Target: reach.TargetInterface, TargetID: "eni-fw"}}},
			reach.RouteTable{ID: "rtb-fw", VPC: "vpc-a", Routes: []reach.Route{toTGW("10.2.0.0/16")}},
			reach.RouteTable{ID: "rtb-b", VPC: "vpc-b", Routes: []reach.Route{toTGW("10.1.0.0/16")}}).
		AddNetworkACL(nacl.NewDefault("acl-a", "vpc-a", false), nacl.NewDefault("acl-b", "vpc-b", false)).
		AddSecurityGroup(g("sg-a"), g("sg-b")).
		AddInterface(reach.Interface{ID: "eni-a", Name: "a", Subnet: "subnet-a", PrivateIPs: ip("10.1.1.10"), Groups: []string{"sg-a"}, Instance: "i-a"},
			reach.Interface{ID: "eni-fw", Name: "fw", Subnet: "subnet-fw", PrivateIPs: ip("10.1.2.10"), Groups: []string{"sg-a"}, Instance: "i-fw", SourceDestCheckDisabled: true},
			reach.Interface{ID: "eni-b", Name: "b", Subnet: "subnet-b", PrivateIPs: ip("10.2.1.10"), Groups: []string{"sg-b"}, Instance: "i-b"}).
		AddTransitGateway(reach.TransitGateway{ID: "tgw-1"}).
		AddTGWRouteTable(reach.TGWRouteTable{ID: "tgw-rtb", TransitGateway: "tgw-1"}).
		AddTGWAttachment(reach.TGWAttachment{ID: "att-a", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-a", Subnets: []string{"subnet-a"}, RouteTable: "tgw-rtb", Propagations: []string{"tgw-rtb"}},
			reach.TGWAttachment{ID: "att-b", TransitGateway: "tgw-1", Type: "vpc", VPC: "vpc-b", Subnets: []string{"subnet-b"}, RouteTable: "tgw-rtb", Propagations: []string{"tgw-rtb"}})
	gm, err := b.Build()
	require.NoError(t, err)
	pm, err := terraform.Parse("plan.json", planOf(t, applianceTGW(false)...), nil)
	require.NoError(t, err)
	names := map[string]string{"a": "aws_instance.a", "b": "aws_instance.b", "fw": "aws_instance.fw"}
	for gf, pf := range names {
		for gt, pt := range names {
			if gf == gt {
				continue
			}
			for _, port := range []uint16{22, 443} {
				gr, err := gm.Check(tcp(gf, gt, port))
				require.NoError(t, err)
				pr, err := pm.Check(tcp(pf, pt, port))
				require.NoError(t, err)
				assert.Equal(t, gr.Outcome, pr.Outcome, "%s -> %s: go:\n%s\nplan:\n%s", gf, gt, gr.Text(), pr.Text())
				assert.Equal(t, gr.Codes(), pr.Codes(), "%s -> %s", gf, gt)
			}
		}
	}
}
