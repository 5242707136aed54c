package aws_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reachsim/reachsim/flow"
	"github.com/reachsim/reachsim/reach"
)

// Interfaces and instances whose state the dump does not settle: a
// Lambda function's interface, an interface type the loader does not
// know, an interface attaching or detaching, an instance in transition
// or without a State, an instance describe-instances does not list.
// Their addresses are undecided (UNMODELLED_DESTINATION naming the
// owner), with a warning; a detached interface and a stopped instance's
// stay a certain drop, naming the interface (doc.go).

// dualENIs replaces dualFS's interfaces with eni-a and other.
func dualENIs(other string) func(f map[string]string) {
	return func(f map[string]string) {
		f["network-interfaces.json"] = `{"NetworkInterfaces": [` + dualENI("eni-a", "subnet-a", "10.0.1.10", "") + `,` + other + `]}`
	}
}

// dualInstance is describe-instances with the one instance i-b (state
// the State key and its comma, "" for none) holding eni-b.
func dualInstance(state string) func(f map[string]string) {
	return func(f map[string]string) {
		f["instances.json"] = `{"Reservations": [{"Instances": [{"InstanceId": "i-b", ` + state + ` "NetworkInterfaces": [` +
			dualENI("eni-b", "subnet-b", "10.0.2.10", `"Attachment": {"DeviceIndex": 0, "Status": "attached"}`) + `]}]}]}`
	}
}

func TestInterfaceStates(t *testing.T) {
	lambda := strings.Replace(dualENI("eni-l", "subnet-b", "10.0.2.10", `"Attachment": {"AttachmentId": "ela-attach-1", "DeviceIndex": 1, "InstanceOwnerId": "amazon-aws", "Status": "attached"}, "RequesterManaged": true`),
		`"InterfaceType": "interface"`, `"InterfaceType": "lambda"`, 1)
	oldLambda := dualENI("eni-l", "subnet-b", "10.0.2.10", `"Description": "AWS Lambda VPC ENI-fn-0abc", "RequesterManaged": true, "Attachment": {"DeviceIndex": 1, "InstanceOwnerId": "amazon-aws", "Status": "attached"}`)
	futureType := strings.Replace(dualENI("eni-f", "subnet-b", "10.0.2.10", `"RequesterManaged": true`), `"InterfaceType": "interface"`, `"InterfaceType": "some_future_service"`, 1)
	moving := func(st string) string {
		return strings.Replace(dualENI("eni-b", "subnet-b", "10.0.2.10", `"Attachment": {"InstanceId": "i-b", "DeviceIndex": 1, "Status": "`+st+`"}`),
			`"Status": "in-use"`, `"Status": "`+st+`"`, 1)
	}
	detached := strings.Replace(dualENI("eni-b", "subnet-b", "10.0.2.10", ""), `"Status": "in-use"`, `"Status": "available"`, 1)
	notListed := func(f map[string]string) {
		f["instances.json"] = `{"Reservations": [{"Instances": [{"InstanceId": "i-a", "State": {"Code": 16, "Name": "running"}, "NetworkInterfaces": [` +
			dualENI("eni-a", "subnet-a", "10.0.1.10", `"Attachment": {"InstanceId": "i-a", "DeviceIndex": 0, "Status": "attached"}`) + `]}]}]}`
		f["network-interfaces.json"] = `{"NetworkInterfaces": [` + dualENI("eni-a", "subnet-a", "10.0.1.10", `"Attachment": {"InstanceId": "i-a", "DeviceIndex": 0, "Status": "attached"}`) + `,` +
			dualENI("eni-b", "subnet-b", "10.0.2.10", `"Attachment": {"InstanceId": "i-b", "DeviceIndex": 0, "Status": "attached"}`) + `]}`
	}
	for _, tc := range []struct {
		name    string
		edit    func(f map[string]string)
		to      string
		want    reach.Outcome
		code    reach.Code
		text    string // in the trace
		warning string
	}{
		{"lambda", dualENIs(lambda), "10.0.2.10", reach.Indeterminate, reach.UnmodelledDestination,
			"eni-l (network interface of a Lambda function (InterfaceType lambda))", "eni-l of a Lambda function left out"},
		{"old lambda", dualENIs(oldLambda), "10.0.2.10", reach.Indeterminate, reach.UnmodelledDestination,
			"eni-l (network interface of a Lambda function (InterfaceType interface))", "eni-l of a Lambda function (its Description) left out"},
		{"unknown type", dualENIs(futureType), "10.0.2.10", reach.Indeterminate, reach.UnmodelledDestination,
			"eni-f (network interface of a kind reachsim does not know (InterfaceType some_future_service))", `InterfaceType "some_future_service", which reachsim does not know`},
		{"attaching", dualENIs(moving("attaching")), "10.0.2.10", reach.Indeterminate, reach.UnmodelledDestination,
			"network interface that is attaching (to instance i-b)", "eni-b is attaching (to instance i-b)"},
		{"detaching", dualENIs(moving("detaching")), "10.0.2.10", reach.Indeterminate, reach.UnmodelledDestination,
			"network interface that is detaching (to instance i-b)", "eni-b is detaching (to instance i-b)"},
		{"detached", dualENIs(detached), "10.0.2.10", reach.Unreachable, reach.UnknownDestination,
			"10.0.2.10 in vpc-1 belongs to eni-b (network interface attached to nothing), which delivers it to no host", "eni-b is not attached to anything"},
		{"instance stopped", dualInstance(`"State": {"Code": 80, "Name": "stopped"},`), "10.0.2.10", reach.Unreachable, reach.UnknownDestination,
			"belongs to eni-b (network interface of instance i-b, which is stopped)", "instance i-b is stopped: left out"},
		{"instance stopping", dualInstance(`"State": {"Code": 64, "Name": "stopping"},`), "10.0.2.10", reach.Indeterminate, reach.UnmodelledDestination,
			"network interface of instance i-b, which is stopping", "instance i-b is stopping: left out, and queries to the addresses of its interfaces are indeterminate"},
		{"instance pending", dualInstance(`"State": {"Code": 0, "Name": "pending"},`), "10.0.2.10", reach.Indeterminate, reach.UnmodelledDestination,
			"network interface of instance i-b, which is pending", "instance i-b is pending"},
		{"instance without State", dualInstance(""), "10.0.2.10", reach.Indeterminate, reach.UnmodelledDestination,
			"network interface of instance i-b, which is in a state the input does not print", "instance i-b: the input does not print its State (a trimmed input)"},
		{"instance running", dualInstance(`"State": {"Code": 16, "Name": "running"},`), "10.0.2.10", reach.Reachable, "", "", ""},
		{"instance not listed", notListed, "10.0.2.10", reach.Indeterminate, reach.UnmodelledDestination,
			"network interface of instance i-b, which describe-instances does not list", "eni-b is attached to instance i-b, which describe-instances does not list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, w := dualCheck(t, dualFS(tc.edit), reach.Query{From: "eni-a", To: tc.to, Protocol: flow.TCP, Port: 22})
			assert.Equal(t, tc.want, r.Outcome, "%s\nwarnings: %v", r.Text(), w)
			if tc.code != "" {
				assert.Equal(t, []reach.Code{tc.code}, r.Codes(), r.Text())
			}
			assert.Contains(t, r.Text(), tc.text)
			assert.NotContains(t, r.Text(), "nothing there owns it")
			if tc.warning == "" {
				assert.Empty(t, w)
			} else {
				assert.Contains(t, strings.Join(w, "\n"), tc.warning)
			}
		})
	}
}
