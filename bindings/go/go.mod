module github.com/cibatch/cibatch/bindings/go

go 1.24
