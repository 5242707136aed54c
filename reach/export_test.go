package reach

// MatrixReference is Matrix with every pair of classes walked whole: the
// slow reference of the factored Matrix.
func MatrixReference(m *Model, o MatrixOptions) (*Matrix, error) { return m.matrix(o, false) }
