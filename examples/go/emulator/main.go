// Command emulator tests code against the in-process emulator: a fault, a retry, a failed job.
package main

import (
	"context"
	"fmt"
	"log"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
)

func main() {
	emu, err := cibatch.StartEmulator(cibatch.EmulatorOptions{Submitted: 100 * time.Millisecond, Running: 200 * time.Millisecond})
	if err != nil {
		log.Fatal(err)
	}
	defer emu.Close()
	c, err := cibatch.NewClient(emu.Config())
	if err != nil {
		log.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	job, err := c.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "emulated", WorkflowID: "w1",
		Input: cibatch.Input{Prefix: "input/"}})
	if err != nil {
		log.Fatal(err)
	}
	emu.InjectStatus(503, "SlowDown", 1) // the next request is refused once: describe retries
	got, err := c.DescribeJob(ctx, job.JobID)
	fmt.Println("describe after a SlowDown:", got.State, err)
	emu.FailJob(job.JobID, "InvalidInput", "not a video")
	done, err := c.WaitForJob(ctx, job.JobID, cibatch.WaitOptions{PollInterval: 50 * time.Millisecond})
	fmt.Println("the job ended", done.State, done.Code, done.Message, err)
}
