package reach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/reachsim/reachsim/flow"
)

// Transit gateway attachments whose state the input does not decide
// ([TGWAttachment.StateUnknown]): a VPC attachment to another account's
// transit gateway carries traffic only once the gateway's owner accepts
// it (Amazon VPC Transit Gateways, "Sharing a transit gateway": an
// attachment to a shared gateway stays pendingAcceptance until accepted,
// unless the gateway auto-accepts shared attachments). A packet whose
// crossing of the gateway such an attachment would carry is undecided
// ([TGWAttachmentStateUnknown]); what its routes do not decide is judged
// as usual: a packet the gateway drops (no route, a blackhole) is
// dropped whether the attachment is available or not.

// stateUnknown makes h, the hop of a packet that entered through in and
// that its route sends to out, undecided when the input does not decide
// whether in or out is available ([TGWAttachment.StateUnknown]); a hop
// already undecided keeps its code and names that too.
func stateUnknown(h *Hop, in, out *tgwAttInfo) {
	var ids, whys []string
	for _, a := range [2]*tgwAttInfo{in, out} {
		if a.StateUnknown != "" && !slices.Contains(ids, a.ID) {
			ids, whys = append(ids, a.ID), append(whys, a.StateUnknown)
		}
	}
	which, is, carries := strings.Join(ids, " and "), "is", "carries"
	if len(ids) > 1 {
		is, carries = "are", "carry"
	}
	missing := fmt.Sprintf("whether %s %s available (%s traffic): %s", which, is, carries, strings.Join(whys, "; "))
	if h.Verdict == flow.Indeterminate {
		h.Missing += "; and " + missing
		return
	}
	h.Verdict, h.Code = flow.Indeterminate, TGWAttachmentStateUnknown
	h.reason += fmt.Sprintf("; but the input does not decide whether %s, which the packet crosses, %s available, and only an available attachment carries traffic", which, is)
	h.Missing = missing
	h.Fix = fmt.Sprintf("make sure %s %s available: an attachment to another account's transit gateway is accepted by the gateway's owner "+
		"(aws ec2 accept-transit-gateway-vpc-attachment; Terraform: an aws_ec2_transit_gateway_vpc_attachment_accepter, or the gateway's auto_accept_shared_attachments = \"enable\")", which, is)
}
