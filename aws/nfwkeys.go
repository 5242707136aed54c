package aws

import (
	"encoding/json"
	"reflect"

	"github.com/reachsim/reachsim/internal/jsonloc"
)

// Unknown keys in the Network Firewall documents (describe-firewall,
// describe-firewall-policy, describe-rule-group). Their parsers
// (firewall.go, policy.go, rulegroup.go, firewall_stateless.go) are
// public, return errors only, and decode rules one by one; the loader
// walks each document once more with the shapes below, which name the
// members the parsers read (of the parsers' own types where they have
// one) and embed the lists of those they do not (apimembers.go). Only the
// keys of API shapes are checked: a rule group's user content (its
// RulesString, the names of its IP sets and port sets, a sync state's
// zone) is a value or a map key, never a member.

type (
	// fwDocKeys is describe-firewall's Firewall and FirewallStatus.
	fwDocKeys struct {
		Firewall *struct {
			fwUnread
			FirewallName, FirewallArn, FirewallPolicyArn, VpcId json.RawMessage
			SubnetMappings                                      []struct{ SubnetId, IPAddressType json.RawMessage }
		}
		FirewallStatus *struct {
			fwStatusUnread
			SyncStates map[string]struct {
				syncStateUnread
				Attachment *struct {
					fwAttachmentUnread
					SubnetId, EndpointId, Status json.RawMessage
				}
			}
		}
	}

	// policyDocKeys is describe-firewall-policy's FirewallPolicy and
	// FirewallPolicyResponse.
	policyDocKeys struct {
		FirewallPolicy *struct {
			policyUnread
			StatelessRuleGroupReferences []struct{ ResourceArn, Priority json.RawMessage }
			StatelessDefaultActions, StatelessFragmentDefaultActions,
			StatefulDefaultActions, TLSInspectionConfigurationArn json.RawMessage
			StatelessCustomActions      []customActionJSON
			StatefulRuleGroupReferences []struct {
				statefulRefUnread
				ResourceArn, Priority json.RawMessage
				Override              *struct{ Action json.RawMessage }
			}
			StatefulEngineOptions *struct {
				engineOptionsUnread
				RuleOrder, StreamExceptionPolicy json.RawMessage
			}
			PolicyVariables *struct{ RuleVariables map[string]jsonDefinition }
		}
		FirewallPolicyResponse *struct {
			policyResponseUnread
			FirewallPolicyName, FirewallPolicyArn json.RawMessage
		}
	}

	// ruleGroupDocKeys is describe-rule-group's RuleGroup and
	// RuleGroupResponse, stateful or stateless.
	ruleGroupDocKeys struct {
		RuleGroup *struct {
			RuleVariables *ruleVariablesJSON
			ReferenceSets *struct {
				IPSetReferences map[string]struct{ ReferenceArn json.RawMessage }
			}
			RulesSource *struct {
				RulesString     json.RawMessage // user content
				StatefulRules   []standardRuleJSON
				RulesSourceList *struct{ Targets, TargetTypes, GeneratedRulesType json.RawMessage }
				// StatelessRulesAndCustomActions is API_StatelessRulesAndCustomActions
				StatelessRulesAndCustomActions *struct {
					StatelessRules []statelessRuleJSON
					CustomActions  []customActionJSON
				}
			}
			StatefulRuleOptions *struct{ RuleOrder json.RawMessage }
		}
		RuleGroupResponse *struct {
			ruleGroupResponseUnread
			RuleGroupName, RuleGroupArn, Type, Capacity json.RawMessage
		}
	}
)

// Reflected once: the shapes the documents are walked with.
var (
	fwDocType        = reflect.TypeFor[fwDocKeys]()
	policyDocType    = reflect.TypeFor[policyDocKeys]()
	ruleGroupDocType = reflect.TypeFor[ruleGroupDocKeys]()
)

// nfwUnknown notes the unknown keys of doc, a Network Firewall document
// (the object sub returns) that its parser read without error, walked as
// a value of type t.
func (l *loader) nfwUnknown(doc []byte, t reflect.Type) {
	l.unknown.note(jsonloc.UnknownKeys("", doc, t))
}
