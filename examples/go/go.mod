module github.com/cibatch/cibatch/examples/go

go 1.24

require github.com/cibatch/cibatch/bindings/go v0.0.0

replace github.com/cibatch/cibatch/bindings/go => ../../bindings/go
