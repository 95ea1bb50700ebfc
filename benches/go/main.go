// Command bench compares, side by side in one run, our Go binding with the official Go SDK
// (github.com/tencentyun/cos-go-sdk-v5) describing a job on the canned loopback server (CIBATCH_BENCH_PORT), beside
// the raw floor (floor.go) in the same rounds, and measures the binding's throughput with 1, 2, 4 and 8 goroutines
// sharing one client. Prints JSON lines.
package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	cibatch "github.com/cibatch/cibatch/bindings/go"
	cos "github.com/tencentyun/cos-go-sdk-v5"
)

const job = "b3deffea2f84911ec9cb15254008618d9"

func median(xs []float64) float64 {
	sort.Float64s(xs)
	return xs[len(xs)/2]
}

// compare returns the median nanoseconds per call of each function, measured in alternating rounds.
func compare(fs []func(), round time.Duration) []float64 {
	counts := make([]int, len(fs))
	for i, f := range fs {
		n, start := 0, time.Now()
		for time.Since(start) < round/4 {
			f()
			n++
		}
		counts[i] = max(n*4, 1)
	}
	samples := make([][]float64, len(fs))
	for r := 0; r < 21; r++ {
		for i, f := range fs {
			start := time.Now()
			for k := 0; k < counts[i]; k++ {
				f()
			}
			samples[i] = append(samples[i], float64(time.Since(start).Nanoseconds())/float64(counts[i]))
		}
	}
	out := make([]float64, len(fs))
	for i := range fs {
		out[i] = median(samples[i])
	}
	return out
}

func must(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func main() {
	port := os.Getenv("CIBATCH_BENCH_PORT")
	endpoint := "http://127.0.0.1:" + port
	ctx := context.Background()
	ours, err := cibatch.NewClient(cibatch.Config{Bucket: "examplebucket-1250000000", Region: "ap-beijing",
		SecretID: "AKIDbench", SecretKey: "benchkey", Endpoint: endpoint})
	must(err)
	defer ours.Close()
	u, _ := url.Parse(endpoint)
	official := cos.NewClient(&cos.BaseURL{CIURL: u}, &http.Client{Transport: &cos.AuthorizationTransport{
		SecretID: "AKIDbench", SecretKey: "benchkey", Transport: &http.Transport{MaxIdleConnsPerHost: 64}}})

	oursDescribe := func() {
		j, err := ours.DescribeJob(ctx, job)
		must(err)
		_ = j.State
	}
	officialDescribe := func() {
		res, _, err := official.CI.DescribeInventoryTriggerJob(ctx, job)
		must(err)
		_ = res.JobsDetail
	}
	only := os.Getenv("CIBATCH_BENCH_ONLY")
	if only == "" || only == "describe" {
		portNumber, err := strconv.Atoi(port)
		must(err)
		floor := openFloor(portNumber)
		m := compare([]func(){oursDescribe, officialDescribe, floor.call}, 200*time.Millisecond)
		fmt.Printf("{\"bench\": \"describe\", \"variant\": \"go_binding\", \"median_ns\": %.1f}\n", m[0])
		fmt.Printf("{\"bench\": \"describe\", \"variant\": \"official_go\", \"median_ns\": %.1f}\n", m[1])
		fmt.Printf("{\"bench\": \"describe\", \"variant\": \"raw_floor_go\", \"median_ns\": %.1f}\n", m[2])
	}
	if only != "" && only != "threads" {
		return
	}

	for _, workers := range []int{1, 2, 4, 8} {
		var rates []float64
		for r := 0; r < 5; r++ {
			var wg sync.WaitGroup
			var mu sync.Mutex
			total := 0
			deadline := time.Now().Add(400 * time.Millisecond)
			for w := 0; w < workers; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					n := 0
					for time.Now().Before(deadline) {
						oursDescribe()
						n++
					}
					mu.Lock()
					total += n
					mu.Unlock()
				}()
			}
			wg.Wait()
			rates = append(rates, float64(total)/0.4)
		}
		fmt.Printf("{\"bench\": \"throughput\", \"variant\": \"go_binding\", \"threads\": %d, \"calls_per_sec\": %.0f}\n",
			workers, median(rates))
	}
}
