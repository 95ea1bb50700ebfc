module cibatch.local/tests/go_official

go 1.24

require github.com/tencentyun/cos-go-sdk-v5 v0.7.70

require (
	github.com/clbanning/mxj v1.8.4 // indirect
	github.com/google/go-querystring v1.0.0 // indirect
	github.com/mitchellh/mapstructure v1.4.3 // indirect
	github.com/mozillazg/go-httpheader v0.2.1 // indirect
)
