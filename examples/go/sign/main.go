// Command sign signs a request made by another tool (the spec's first Python-SDK example).
package main

import (
	"fmt"
	"log"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

func main() {
	auth, err := cibatch.Sign(cibatch.SignInput{Method: "GET",
		Path:     "/inventorytriggerjob/b3deffea2f84911ec9cb15254008618d9",
		Headers:  []cibatch.Pair{{Name: "Host", Value: "examplebucket-1250000000.ci.ap-beijing.myqcloud.com"}},
		SecretID: "AKIDtestSecretId1234567890abcdef", SecretKey: "testSecretKey1234567890abcdefghij",
		Start: 1699999940, End: 1700010000})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(auth)
}
