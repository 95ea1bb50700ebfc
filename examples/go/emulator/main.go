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
	// ClockPerDescribe: each describe moves the job one state on, so what this prints never depends on timing.
	emu, err := cibatch.StartEmulator(cibatch.EmulatorOptions{Clock: cibatch.ClockPerDescribe})
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
