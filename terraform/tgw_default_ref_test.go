package terraform_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/reach"
	"github.com/reachsim/reachsim/terraform"
)

// TestTGWDefaultTableByReference: a route, association or propagation
// in a new gateway's default route table, named as the provider's
// documentation writes it (aws_ec2_transit_gateway.hub.
// association_default_route_table_id, known only after apply), is in
// that table; a reference to anything else still leaves it unresolved.
func TestTGWDefaultTableByReference(t *testing.T) {
	for _, tc := range []struct {
		name string
		refs []string
		want reach.Outcome
		err  string
	}{
		{name: "association_default_route_table_id: the blackhole route wins over the propagated one",
			refs: []string{"aws_ec2_transit_gateway.hub.association_default_route_table_id", "aws_ec2_transit_gateway.hub"},
			want: reach.Unreachable},
		{name: "propagation_default_route_table_id",
			refs: []string{"aws_ec2_transit_gateway.hub.propagation_default_route_table_id", "aws_ec2_transit_gateway.hub"},
			want: reach.Unreachable},
		{name: "the gateway's id is no route table",
			refs: []string{"aws_ec2_transit_gateway.hub.id", "aws_ec2_transit_gateway.hub"},
			err:  "aws_ec2_transit_gateway_route.drop: transit_gateway_route_table_id: known only after apply: its configuration computes it from something other than resources of the plan (a variable, a local, a data source, a module's output, each.value) or from an attribute of a resource of another type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			drop := planRes{typ: "aws_ec2_transit_gateway_route", name: "drop", values: map[string]any{"destination_cidr_block": "10.2.0.0/16", "blackhole": true},
				unknown: map[string]any{"id": true, "transit_gateway_route_table_id": true},
				exprs:   map[string]any{"transit_gateway_route_table_id": tc.refs, "destination_cidr_block": "10.2.0.0/16", "blackhole": true}}
			m, err := terraform.Parse("plan.json", tgwPlan(t, map[string]any{}, nil, drop), nil)
			if tc.err != "" {
				require.Error(t, err)
				assert.True(t, errors.Is(err, terraform.ErrUnknownValue), err.Error())
				assert.Contains(t, err.Error(), tc.err)
				return
			}
			require.NoError(t, err)
			r, err := m.Check(tcp("aws_instance.a", "aws_instance.b", 443))
			require.NoError(t, err)
			assert.Equal(t, tc.want, r.Outcome, r.Text())
		})
	}
}

// TestInstanceWithOwnNetworkInterface: an aws_instance launched with an
// aws_network_interface of the plan as its interface (a network_interface
// or primary_network_interface block) is refused, saying so, rather than
// with a misleading "unknown subnet" or "address already used".
func TestInstanceWithOwnNetworkInterface(t *testing.T) {
	for _, attr := range []string{"network_interface", "primary_network_interface"} {
		t.Run(attr, func(t *testing.T) {
			block := map[string]any{"network_interface_id": "eni-fw"}
			if attr == "network_interface" {
				block["device_index"] = 0
			}
			fw := planRes{typ: "aws_instance", name: "fw", values: map[string]any{attr: []any{block}},
				unknown: map[string]any{"id": true, "private_ip": true, "public_ip": true, "subnet_id": true, "vpc_security_group_ids": true},
				exprs:   map[string]any{attr: rawExpr{[]any{map[string]any{"network_interface_id": map[string]any{"references": []string{"aws_network_interface.fw.id", "aws_network_interface.fw"}}}}}}}
			eni := planRes{typ: "aws_network_interface", name: "fw", values: map[string]any{"subnet_id": "subnet-1", "security_groups": []any{"sg-1"}, "source_dest_check": false},
				unknown: map[string]any{"id": true, "private_ip": true, "private_ips": true}}
			_, err := terraform.Parse("plan.json", planOf(t, append(existingPublicNet(false), eni, fw)...), nil)
			require.Error(t, err)
			assert.True(t, errors.Is(err, terraform.ErrInvalidPlan), err.Error())
			assert.Contains(t, err.Error(), "aws_instance.fw: "+attr+": ")
			assert.Contains(t, err.Error(), "is not modelled")
			assert.NotContains(t, err.Error(), "unknown subnet")
		})
	}
}
