/**
 * How a client of a model server (an agent, a chat front end, a benchmark) is told where the model runs:
 * an environment variable whose name ends in one of these suffixes, holding an http(s) URL. A container
 * that sets one calls a model over the network, so a `MODEL_NAME` beside it names the model it asks for,
 * not one it loads.
 *
 * Sources: OpenAI Python SDK (`OPENAI_BASE_URL`); LangChain and LiteLLM (`OPENAI_API_BASE`, `*_API_BASE`);
 * Ollama (`OLLAMA_HOST`); Google ADK samples (`LLM_BASE_URL`); Hugging Face text-generation clients and
 * benchmark jobs (`*_ENDPOINT`, `*_API_URL`). Storage and registry endpoints are not model APIs: names
 * with those words are left out (a model server often downloads from S3 with `AWS_ENDPOINT_URL`).
 */
const MODEL_API_ENV_NAME = /(?:^|_)(?:BASE_URL|API_BASE|API_URL|ENDPOINT|HOST|SERVER_URL|SERVICE_URL)$/;

/** Words of storage, registry and telemetry endpoints, which a model server itself may be given. */
const NOT_A_MODEL_API = /(?:^|_)(?:S3|AWS|GCS|GS|AZURE|BLOB|MINIO|STORAGE|BUCKET|MLFLOW|REGISTRY|TRACKING|OTEL|OTLP|JAEGER|ZIPKIN|TRACING|TRACE|COLLECTOR|PROMETHEUS|METRICS|PUSHGATEWAY|REDIS|DB|DATABASE|POSTGRES|MYSQL|MONGO|KAFKA|NATS|RABBITMQ|AMQP|VAULT|PROXY|HTTP|HTTPS|NO|ETCD|CONSUL)(?:_|$)/;

/** Whether an env entry (name, literal value) points a container at a model API served elsewhere. */
export function isModelApiEnv(name: string, value: string): boolean {
  const upper = name.toUpperCase();
  return MODEL_API_ENV_NAME.test(upper) && !NOT_A_MODEL_API.test(upper) && /^https?:\/\/[^\s/]+/i.test(value.trim());
}
