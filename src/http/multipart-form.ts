// Console forms that carry a file (the CSV import page): multipart/form-data,
// read by the runtime's own parser (undici's Response.formData) once the route's
// bodyLimit has bounded the body, into plain strings as a urlencoded form gives
// them — so the CSRF check and the text check read such a form like any other.
// No plugin: @fastify/multipart would parse after the console's hooks have run.
import { InvalidInput } from '../errors.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Every field as a string; a file's content decoded as UTF-8 (refused otherwise). */
export async function readMultipartForm(contentType: string, body: Buffer): Promise<Record<string, string>> {
  let form: FormData
  try {
    form = await new Response(new Blob([new Uint8Array(body)]), { headers: { 'content-type': contentType } }).formData()
  } catch {
    throw new InvalidInput('Formulaire illisible (multipart/form-data mal formé)')
  }
  const fields: Record<string, string> = {}
  for (const [name, value] of form as unknown as Iterable<[string, FormDataEntryValue]>) {
    if (typeof value === 'string') fields[name] = value
    else {
      try {
        fields[name] = utf8.decode(await value.arrayBuffer())
      } catch {
        throw new InvalidInput(`Le fichier « ${value.name.slice(0, 80)} » n'est pas un texte UTF-8`)
      }
    }
  }
  return fields
}
