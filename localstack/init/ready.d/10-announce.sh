#!/bin/sh
# LocalStack runs ready.d hooks once every service is up; the line below is what readiness probes can wait for.
echo "customers-api: emulator ready for services ${SERVICES:-all}"
