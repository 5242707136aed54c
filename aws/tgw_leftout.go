package aws

import "fmt"

// Transit gateways, route tables and attachments left out for their
// state, or with a gateway left out: what the warnings and the answers
// say of them is why they were left out, not that the input lacks them.

// leftOutRec is a transit gateway, route table or attachment left out
// for its state: the state, and an attachment's gateway and VPC.
type leftOutRec struct{ state, tgw, vpc string }

// absence says why the input holds no transit gateway, route table or
// attachment id, after "is": the state it was left out for, the gateway
// it was left out with, or that the input lacks it, and the output (add)
// that holds it.
func (st *tgwState) absence(id, add string) string {
	if r, ok := st.leftOut[id]; ok {
		return fmt.Sprintf("%s (left out for its state)", r.state)
	}
	if why, ok := st.dropped[id]; ok {
		return why
	}
	return fmt.Sprintf("not in the input (add the output of %s)", add)
}

// leftOutOf returns the record of id when st (possibly nil) left it out
// for its state.
func (st *tgwState) leftOutOf(id string) (leftOutRec, bool) {
	if st == nil {
		return leftOutRec{}, false
	}
	r, ok := st.leftOut[id]
	return r, ok
}

// missingAttachment says what the input lacks for attachment id, which
// a route names: the attachment, or a usable state of it.
func (st *tgwState) missingAttachment(id string) string {
	if r, ok := st.leftOut[id]; ok {
		return fmt.Sprintf("attachment %s in a state that carries traffic (the input lists it %s)", id, r.state)
	}
	return fmt.Sprintf("attachment %s (add the output of %s and %s)", id, cmdTGWAtts, cmdTGWVpcAtts)
}

// dropWithGateway records route table or attachment id as left out with
// its transit gateway tgw, which the input does not hold, and returns
// what it says of the gateway.
func (st *tgwState) dropWithGateway(id, tgw string) string {
	gw := st.absence(tgw, cmdTGWs)
	st.dropped[id] = fmt.Sprintf("left out with its transit gateway %s, which is %s", tgw, gw)
	return gw
}
