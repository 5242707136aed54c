package reach

// MatrixReference is Matrix with every pair of classes walked whole: the
// slow reference of the factored Matrix.
func MatrixReference(m *Model, o MatrixOptions) (*Matrix, error) { return m.matrix(o, false) }

// PortsByAtom is Ports with tcp and udp answered by a walk per atom: the
// slow reference of the hop-by-hop Ports.
func PortsByAtom(m *Model, q PortsQuery) (*PortsResult, error) { return m.ports(q, false) }
