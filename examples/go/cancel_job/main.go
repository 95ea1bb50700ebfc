// Command cancel_job cancels a job: cancel_job JOB_ID
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

func main() {
	c, err := cibatch.NewClientFromEnv()
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	err = c.CancelJob(context.Background(), os.Args[1])
	var se *cibatch.ServiceError
	switch {
	case errors.As(err, &se):
		fmt.Printf("refused: %s %s (request id %s)\n", se.Code, se.Message, se.RequestID)
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Println("cancelled", os.Args[1])
	}
}
