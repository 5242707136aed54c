package aws

import (
	"github.com/reachsim/reachsim/internal/jsonloc"
	"github.com/reachsim/reachsim/nacl"
	"github.com/reachsim/reachsim/reach"
)

// Network ACLs in the loader: describe-network-acls (parsed by nacl.go's
// parser), and the ACLs' subnet associations.

type aclRec struct {
	acl     nacl.ACL
	at      jsonloc.Loc
	assocAt []jsonloc.Loc
}

// readACLs takes in the ACLs of a describe-network-acls in file, as
// parseNetworkACLs or decodedACLs read them.
func (l *loader) readACLs(file string, read func() ([]nacl.ACL, error)) {
	acls, err := read()
	if err != nil {
		l.parserErr(file, err)
		return
	}
	for i, a := range acls {
		at := jsonloc.Loc{File: file, Path: jsonloc.Index("NetworkAcls", i)}
		if !l.claim("network ACL", a.ID, at.Field("NetworkAclId")) {
			continue
		}
		r := &aclRec{acl: a, at: at}
		for j := range a.Subnets {
			r.assocAt = append(r.assocAt, at.Field("Associations").Index(j).Field("SubnetId"))
		}
		l.acls = append(l.acls, r)
	}
}

func (l *loader) assembleACLs() {
	out := &l.out
	for _, r := range l.acls {
		a := r.acl
		if a.IsDefault {
			if v := out.vpcByID[a.VPCID]; v != nil {
				if v.vpc.DefaultACL != "" {
					l.fail(r.at.Field("IsDefault"), a.ID, a.ID, ErrInvalidDump, "%s has two default network ACLs, %s (%s) and %s", a.VPCID, v.vpc.DefaultACL, v.defACLAt, a.ID)
				} else {
					v.vpc.DefaultACL, v.defACLAt = a.ID, r.at.Field("IsDefault")
				}
			}
		}
		for j, sid := range a.Subnets {
			s := out.subnetBy[sid]
			switch {
			case s == nil:
				l.fail(r.assocAt[j], a.ID, sid, reach.ErrTopology, "unknown subnet: it is not in the input (add the output of aws ec2 describe-subnets)")
			case s.subnet.ACL != "":
				l.fail(r.assocAt[j], a.ID, sid, ErrInvalidDump, "subnet %s is associated with two network ACLs, %s (%s) and %s", sid, s.subnet.ACL, s.aclAt, a.ID)
			default:
				s.subnet.ACL, s.aclAt = a.ID, r.assocAt[j]
			}
		}
	}
}
