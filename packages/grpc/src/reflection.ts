import { loadSync, type PackageDefinition } from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import descriptor from 'protobufjs/ext/descriptor/index.js';

interface FieldLike {
  name?: string;
  typeName?: string;
}
interface MessageLike {
  name?: string;
  options?: { mapEntry?: boolean };
  field?: FieldLike[];
  nestedType?: MessageLike[];
  enumType?: { name?: string }[];
}
interface FileLike {
  name?: string;
  package?: string;
  dependency?: string[];
  messageType?: MessageLike[];
  enumType?: { name?: string }[];
  service?: { name?: string; method?: { inputType?: string; outputType?: string }[] }[];
}

/**
 * The descriptors for server reflection: the given definitions plus the health service, with
 * every file's imports written out. proto-loader produces one file per package with type
 * references left relative and no `dependency` list, so reflection clients (grpcurl, Postman)
 * could list the services but resolve nothing that uses google.protobuf.Timestamp, and the
 * health service was missing altogether (grpc-node issue 2595). Type names become fully
 * qualified ('.google.protobuf.Timestamp') and each file names the files those types live in.
 */
export function reflectionDefinition(definitions: readonly PackageDefinition[]): PackageDefinition {
  const health = loadSync(healthProtoPath, { keepCase: true, longs: String, enums: String, defaults: true });
  const all = [...definitions, health];
  const files = new Map<string, FileLike>();
  for (const definition of all)
    for (const entry of Object.values(definition))
      for (const bytes of (entry as { fileDescriptorProtos?: Buffer[] }).fileDescriptorProtos ?? []) {
        const file = descriptor.FileDescriptorProto.toObject(
          descriptor.FileDescriptorProto.decode(bytes),
        ) as FileLike;
        if (file.name && !files.has(file.name)) files.set(file.name, file);
      }
  for (const file of files.values()) for (const message of file.messageType ?? []) nameMapEntries(message);

  const fileOfType = new Map<string, string>();
  for (const [name, file] of files) for (const type of typeNames(file)) fileOfType.set(type, name);

  const encoded = [...files].map(([name, file]) => {
    const dependencies = new Set<string>();
    const qualify = (typeName: string | undefined): string | undefined => {
      if (!typeName) return typeName;
      const bare = typeName.replace(/^\./, '');
      const candidates = [bare, `${file.package ?? ''}.${bare}`];
      const found = candidates.find((candidate) => fileOfType.has(candidate));
      if (!found) return typeName;
      const home = fileOfType.get(found) as string;
      if (home !== name) dependencies.add(home);
      return `.${found}`;
    };
    const visit = (message: MessageLike) => {
      for (const field of message.field ?? []) field.typeName = qualify(field.typeName);
      for (const nested of message.nestedType ?? []) visit(nested);
    };
    for (const message of file.messageType ?? []) visit(message);
    for (const service of file.service ?? [])
      for (const method of service.method ?? []) {
        method.inputType = qualify(method.inputType);
        method.outputType = qualify(method.outputType);
      }
    file.dependency = [...dependencies];
    return Buffer.from(
      descriptor.FileDescriptorProto.encode(descriptor.FileDescriptorProto.fromObject(file)).finish(),
    );
  });

  // @grpc/reflection reads `fileDescriptorProtos` of every entry and indexes each file once.
  const merged: PackageDefinition = {};
  for (const definition of all)
    for (const [key, entry] of Object.entries(definition))
      merged[key] = Object.assign(Object.create(Object.getPrototypeOf(entry)), entry, {
        fileDescriptorProtos: encoded,
      });
  return merged;
}

/**
 * protobufjs names a map's entry type after the field ('Statuses'); protoc, and the reflection
 * clients that check it, expect the field's CamelCase name plus 'Entry' ('StatusesEntry').
 */
function nameMapEntries(message: MessageLike): void {
  for (const nested of message.nestedType ?? []) {
    nameMapEntries(nested);
    if (!nested.options?.mapEntry) continue;
    const field = message.field?.find((f) => f.typeName === nested.name);
    if (!field?.name) continue;
    const entryName = `${field.name.replace(/(^|_)([a-z])/g, (_, _sep, letter: string) => letter.toUpperCase())}Entry`;
    nested.name = entryName;
    field.typeName = entryName;
  }
}

function typeNames(file: FileLike): string[] {
  const prefix = file.package ? `${file.package}.` : '';
  const names: string[] = [];
  const visit = (message: MessageLike, scope: string) => {
    const full = `${scope}${message.name}`;
    names.push(full);
    for (const nested of message.nestedType ?? []) visit(nested, `${full}.`);
    for (const en of message.enumType ?? []) names.push(`${full}.${en.name}`);
  };
  for (const message of file.messageType ?? []) visit(message, prefix);
  for (const en of file.enumType ?? []) names.push(`${prefix}${en.name}`);
  for (const service of file.service ?? []) names.push(`${prefix}${service.name}`);
  return names;
}
