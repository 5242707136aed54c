package aws_test

import (
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reachsim/reachsim/aws"
	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// tgwFS is the sample dump joined to a hub VPC (testdata/tgw/hub-vpc.json)
// through transit gateway tgw-0hub (testdata/tgw): app-1's subnet routes
// 10.50.0.0/16 to it, the hub routes 10.0.0.0/16 back; the gateway's route
// table holds both VPCs' propagated routes, a blackhole 10.50.66.0/24 and
// a VPN route 192.168.0.0/16.
func tgwFS(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := loadSampleFS(t)
	for _, n := range []string{"hub-vpc.json", "transit-gateways.json", "tgw-rtb-main.json"} {
		data, err := os.ReadFile("testdata/tgw/" + n)
		require.NoError(t, err)
		fsys["aws/"+n] = &fstest.MapFile{Data: data}
	}
	loadEdit(t, fsys, "aws/route-tables.json", func(doc map[string]any) {
		loadAppend(doc, loadJSON(`{"DestinationCidrBlock": "10.50.0.0/16", "TransitGatewayId": "tgw-0hub", "Origin": "CreateRoute", "State": "active"}`),
			"RouteTables", 1, "Routes")
		loadAppend(doc, loadJSON(`{"DestinationCidrBlock": "192.168.0.0/16", "TransitGatewayId": "tgw-0hub", "Origin": "CreateRoute", "State": "active"}`),
			"RouteTables", 1, "Routes")
	})
	return fsys
}

func tgwQuery(to string) reach.Query {
	return reach.Query{From: "app-1", To: to, Protocol: flow.TCP, Port: 443}
}

func TestLoadTransitGateway(t *testing.T) {
	m, rep, err := aws.LoadFS(tgwFS(t), "aws")
	require.NoError(t, err)
	for _, w := range rep.Warnings {
		assert.NotContains(t, w, "tgw", "a whole transit gateway dump warns about nothing of it")
	}
	assert.Equal(t, 1, rep.Counts["transit-gateways"])
	assert.Equal(t, 1, rep.Counts["transit-gateway-route-tables"])
	assert.Equal(t, 3, rep.Counts["transit-gateway-attachments"])
	tests := []struct {
		name    string
		to      string
		outcome reach.Outcome
		codes   []reach.Code
	}{
		{"app-1 reaches the hub VPC through the transit gateway", "hub-1", reach.Reachable, []reach.Code{}},
		{"the blackhole route drops", "10.50.66.5", reach.Unreachable, []reach.Code{reach.TGWBlackholeRoute}},
		{"an address of the hub VPC nobody holds is unknown", "10.50.1.99", reach.Unreachable, []reach.Code{reach.UnknownDestination}},
		{"the VPN attachment is indeterminate", "192.168.1.1", reach.Indeterminate, []reach.Code{reach.UnmodelledTarget}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := m.Check(tgwQuery(tt.to))
			require.NoError(t, err)
			assert.Equal(t, tt.outcome, r.Outcome, r.Text())
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
		})
	}
}

func TestLoadTransitGatewaySaysWhatIsMissing(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(fsys fstest.MapFS)
		warn  string
		codes []reach.Code
	}{
		{"without the transit gateway files the route stays indeterminate", func(fsys fstest.MapFS) {
			delete(fsys, "aws/transit-gateways.json")
			delete(fsys, "aws/tgw-rtb-main.json")
		}, "aws/route-tables.json: RouteTables[1].Routes[3]: route 10.50.0.0/16 -> tgw-0hub (transit gateway) of rtb-private: transit gateway tgw-0hub is not in the input (add the output of aws ec2 describe-transit-gateways",
			[]reach.Code{reach.UnmodelledTarget}},
		{"without a route table's routes its traffic is indeterminate", func(fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/tgw-rtb-main.json", func(doc map[string]any) { delete(doc, "Routes"); delete(doc, "AdditionalRoutesAvailable") })
		}, "aws/transit-gateways.json: TransitGatewayRouteTables[0]: the routes of transit gateway route table tgw-rtb-main are not in the input (add the output of aws ec2 search-transit-gateway-routes --transit-gateway-route-table-id tgw-rtb-main",
			[]reach.Code{reach.TGWRoutesUnknown}},
		{"a truncated route search is indeterminate", func(fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/tgw-rtb-main.json", func(doc map[string]any) { doc["AdditionalRoutesAvailable"] = true })
		}, "aws/tgw-rtb-main.json: Routes: AdditionalRoutesAvailable is true", []reach.Code{reach.TGWRoutesUnknown}},
		{"without the VPC attachments' subnets the route stays indeterminate", func(fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/transit-gateways.json", func(doc map[string]any) { delete(doc, "TransitGatewayVpcAttachments") })
		}, "aws/transit-gateways.json: TransitGatewayAttachments[0]: the subnets of VPC attachment tgw-attach-demo are not in the input (add the output of aws ec2 describe-transit-gateway-vpc-attachments)",
			[]reach.Code{reach.UnmodelledTarget}},
		{"the association from the route table's own file is enough", func(fsys fstest.MapFS) {
			loadEdit(t, fsys, "aws/transit-gateways.json", func(doc map[string]any) {
				for _, a := range doc["TransitGatewayAttachments"].([]any) {
					delete(a.(map[string]any), "Association")
				}
			})
		}, "", []reach.Code{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tgwFS(t)
			tt.edit(fsys)
			m, rep, err := aws.LoadFS(fsys, "aws")
			require.NoError(t, err)
			if tt.warn != "" {
				found := false
				for _, w := range rep.Warnings {
					found = found || strings.HasPrefix(w, tt.warn)
				}
				assert.True(t, found, "want a warning %s…\ngot %q", tt.warn, rep.Warnings)
			}
			r, err := m.Check(tgwQuery("10.50.1.10"))
			require.NoError(t, err)
			assert.Equal(t, tt.codes, r.Codes(), r.Text())
		})
	}
}

func TestLoadTransitGatewayErrors(t *testing.T) {
	tests := []struct {
		name, file, content, path, text string
	}{
		{"routes without the route table's ID", "aws/routes.json", `{"Routes": [], "AdditionalRoutesAvailable": false}`,
			"Routes", "without a top-level TransitGatewayRouteTableId"},
		{"an attachment without its transit gateway", "aws/x.json", `{"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-x", "ResourceType": "vpc"}]}`,
			"TransitGatewayAttachments[0].TransitGatewayId", "TransitGatewayId is missing"},
		{"a route table listed twice", "aws/x.json", `{"TransitGatewayRouteTables": [{"TransitGatewayRouteTableId": "tgw-rtb-main", "TransitGatewayId": "tgw-0hub"}]}`,
			"TransitGatewayRouteTables[0].TransitGatewayRouteTableId", "listed twice"},
		{"a route that is no CIDR block", "aws/x.json", `{"TransitGatewayRouteTableId": "tgw-rtb-x", "Routes": [{"DestinationCidrBlock": "10.0.0.0/33", "Type": "static", "State": "blackhole"}]}`,
			"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := tgwFS(t)
			fsys[tt.file] = &fstest.MapFile{Data: []byte(tt.content)}
			_, rep, err := aws.LoadFS(fsys, "aws")
			if tt.path == "" { // a table not in the input: its routes are left out, with a warning
				require.NoError(t, err)
				assert.Contains(t, strings.Join(rep.Warnings, "\n"), "routes of transit gateway route table tgw-rtb-x left out")
				return
			}
			faults := loadFaults(t, err)
			require.Len(t, faults, 1, err.Error())
			assert.Equal(t, tt.file, faults[0].File)
			assert.Equal(t, tt.path, faults[0].Path)
			assert.Contains(t, err.Error(), tt.text)
			assert.ErrorIs(t, err, aws.ErrInvalidDump)
		})
	}
}
