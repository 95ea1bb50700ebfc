// Command create_jobs creates a Workflow job and a Job-type job, configured from the environment.
//
//	create_jobs WORKFLOW_ID TEMPLATE_ID
package main

import (
	"context"
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
	ctx := context.Background()
	wf, err := c.CreateWorkflowJob(ctx, cibatch.WorkflowJobRequest{Name: "example-workflow", WorkflowID: os.Args[1],
		Input: cibatch.Input{Prefix: "input/"}})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", wf.JobID, wf.Type, wf.State)
	job, err := c.CreateJob(ctx, cibatch.JobRequest{Name: "example-transcode", Tag: "Transcode",
		Input: cibatch.Input{Prefix: "videos/"}, TemplateID: os.Args[2], OutputRegion: "ap-beijing",
		OutputBucket: "examplebucket-1250000000", OutputObject: "out/${InputName}.mp4"})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("created", job.JobID, job.Type, job.Tag, job.State)
}
